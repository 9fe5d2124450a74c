import { z } from 'zod'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/**
 * A duration written as seconds (`30`) or with a unit (`500ms`, `30s`, `5m`, `1h`, `7d`), read as
 * milliseconds. `0` means "never" where the field says so.
 */
export const DurationSchema = z
  .union([z.number().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return Math.round(value * 1000)
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim())
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: 'Use seconds (30) or a duration like 500ms, 30s, 5m, 1h, 7d',
      })
      return z.NEVER
    }
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS])
  })

/**
 * A duration in milliseconds as people write it in the config: `500ms`, `30s`, `5m`, `1.5h`.
 *
 * @example
 * formatDuration(90_000) // '1.5m'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)}h`
  return `${+(ms / 86_400_000).toFixed(1)}d`
}
