import { z } from 'zod'
import { AuthTypeSchema } from './auth.ts'
import { TimestampSchema, UserIdSchema } from './common.ts'

/**
 * What an audit entry records. A closed list: dashboards and alerts match on these names, and
 * `session.share`/`session.unshare` are here before their routes so every part of the server
 * names them alike.
 *
 * @example
 * AuditActionSchema.parse('session.start')
 */
export const AuditActionSchema = z
  .enum([
    'session.start',
    'session.delete',
    'session.share',
    'session.unshare',
    'api_key.create',
    'api_key.revoke',
    'auth.sign_in',
    'auth.sign_out',
  ])
  .meta({ id: 'AuditAction' })
export type AuditAction = z.infer<typeof AuditActionSchema>

/**
 * One audit entry: who did what to which thing, when and from where. Never a secret: targets
 * are ids (a session id, a key id), never a key or token.
 *
 * @example
 * const entry: AuditEntry = {
 *   id: 'aud_…', at: '2026-12-07T01:00:00.000Z', action: 'session.start',
 *   user_id: 'alice', auth_method: 'api_key', target: '5b7d1e52-…', source: '203.0.113.7',
 *   request_id: '0f1e…',
 * }
 */
export const AuditEntrySchema = z
  .object({
    id: z.string().meta({ example: 'aud_1733533200000_3f9c1a2b' }),
    at: TimestampSchema,
    action: AuditActionSchema,
    user_id: UserIdSchema.meta({ description: 'Who did it (the principal)' }),
    auth_method: z
      .union([AuthTypeSchema, z.literal('none')])
      .meta({ description: 'How they proved it; `none` when auth is off' }),
    target: z
      .string()
      .nullable()
      .meta({ description: 'The session id or API key id acted on; null for a sign-in' }),
    source: z
      .string()
      .nullable()
      .meta({ description: "The client's address (see `server.trust_proxy`)" }),
    request_id: z.string().nullable().meta({ description: 'The X-Request-Id of the request' }),
  })
  .meta({ id: 'AuditEntry' })
export type AuditEntry = z.infer<typeof AuditEntrySchema>

/**
 * `GET /audit`: filters (ANDed), newest first, one page at a time.
 *
 * @example
 * const q: AuditQuery = { action: 'api_key.revoke', since: '2026-12-01T00:00:00Z', limit: 100 }
 */
export const AuditQuerySchema = z.strictObject({
  user_id: UserIdSchema.optional().meta({ description: 'Only what this user did' }),
  action: AuditActionSchema.optional(),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'At or after this time' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Before this time' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(512).optional().meta({ description: 'From `next_cursor`' }),
})
/** What a client may send to `GET /audit`; the server fills in `limit`. */
export type AuditQuery = {
  user_id?: string
  action?: AuditAction
  since?: string
  until?: string
  limit?: number
  cursor?: string
}

/**
 * `GET /audit`: one page, newest first; `next_cursor` is null on the last.
 *
 * @example
 * let page = await client.audit()
 * while (page.next_cursor) page = await client.audit({ cursor: page.next_cursor })
 */
export const AuditPageSchema = z
  .object({
    entries: z.array(AuditEntrySchema),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' }),
  })
  .meta({ id: 'AuditPage' })
export type AuditPage = z.infer<typeof AuditPageSchema>
