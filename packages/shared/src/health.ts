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
 * `GET /ready`: 200 only when every dependency (the store) answers; 503 otherwise.
 *
 * @example
 * const r: Readiness = { status: 'ready', checks: { store: 'ok' } }
 */
export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'error'])),
  })
  .meta({ id: 'Readiness' })
export type Readiness = z.infer<typeof ReadinessSchema>
