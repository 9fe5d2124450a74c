import { z } from 'zod'

/**
 * `GET /health`: the process is up.
 *
 * @example
 * const h: Health = { status: 'ok' }
 */
export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' })
export type Health = z.infer<typeof HealthSchema>

/**
 * `GET /ready`: 200 only when every dependency works (the store accepts a write, and SQLite's
 * file is still the one opened); 503 otherwise, with why each failing check failed.
 *
 * @example
 * const r: Readiness = { status: 'ready', checks: { store: 'ok' } }
 * const down: Readiness = {
 *   status: 'unavailable',
 *   checks: { store: 'error' },
 *   reasons: { store: 'writes failing (SQLITE_BUSY), 2 kept for retry' },
 * }
 */
export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'error'])),
    /** Only for failing checks: an error code or a short sentence, never a path or a URL. */
    reasons: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'Readiness' })
export type Readiness = z.infer<typeof ReadinessSchema>
