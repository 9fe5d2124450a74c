import { z } from 'zod'
import { SessionIdSchema, TimestampSchema, UserIdSchema } from './common.ts'

/** The longest a share link may live: 30 days, in seconds. */
export const SHARE_MAX_SECONDS = 30 * 24 * 60 * 60
/** How long a share link lives when the request names no expiry: 24 hours, in seconds. */
export const SHARE_DEFAULT_SECONDS = 24 * 60 * 60

/**
 * `POST /sessions/:id/share`: at most one of `expires_in` (seconds from now) and `expires_at`;
 * neither gives the link {@link SHARE_DEFAULT_SECONDS}.
 *
 * @example
 * const body: CreateShareRequest = { expires_in: 3600 }
 */
export const CreateShareRequestSchema = z
  .strictObject({
    expires_in: z
      .number()
      .int()
      .min(60)
      .max(SHARE_MAX_SECONDS)
      .optional()
      .meta({ description: 'Seconds until the link expires (60 s to 30 days)', example: 3600 }),
    expires_at: TimestampSchema.optional().meta({
      description: 'When the link expires; within 30 days from now',
    }),
  })
  .refine((body) => body.expires_in === undefined || body.expires_at === undefined, {
    message: 'Give expires_in or expires_at, not both',
    path: ['expires_at'],
  })
  .meta({ id: 'CreateShareRequest', example: { expires_in: 3600 } })
export type CreateShareRequest = z.infer<typeof CreateShareRequestSchema>

/**
 * A share link as listed: never its token, only a prefix to recognise it by.
 *
 * @example
 * const { shares } = await client.listShares(sessionId)
 */
export const ShareSchema = z
  .object({
    id: z.string().meta({ example: 'shr_Vb3kX0q9cJ1fRk2m' }),
    session_id: SessionIdSchema,
    prefix: z
      .string()
      .meta({ description: 'First characters of the token', example: 'aas_3f9cQ1x0' }),
    created_at: TimestampSchema,
    expires_at: TimestampSchema,
    created_by: UserIdSchema.meta({ description: 'Who created the link' }),
    viewers: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Event streams open through this link on the replica that answered' }),
  })
  .meta({ id: 'Share' })
export type Share = z.infer<typeof ShareSchema>

/**
 * The one response that carries the token: the link cannot be shown again.
 *
 * @example
 * const { url } = await client.createShare(sessionId, { expires_in: 3600 })
 */
export const CreatedShareSchema = ShareSchema.extend({
  token: z.string().meta({ description: 'The secret of the link, shown once' }),
  path: z.string().meta({ description: 'The link, relative to the server', example: '/s/aas_…/' }),
  url: z.string().meta({ description: 'The link, absolute, as this request reached the server' }),
}).meta({ id: 'CreatedShare' })
export type CreatedShare = z.infer<typeof CreatedShareSchema>

/**
 * `GET /sessions/:id/share`: the session's links that still work, oldest first.
 *
 * @example
 * const total = (await client.listShares(id)).shares.reduce((n, s) => n + s.viewers, 0)
 */
export const ShareListSchema = z.object({ shares: z.array(ShareSchema) }).meta({ id: 'ShareList' })
export type ShareList = z.infer<typeof ShareListSchema>

/**
 * `DELETE /sessions/:id/share[/:shareId]`: the links that stopped working, and their streams.
 *
 * @example
 * const r: RevokedShares = { revoked: ['shr_Vb3kX0q9cJ1fRk2m'] }
 */
export const RevokedSharesSchema = z
  .object({ revoked: z.array(z.string()) })
  .meta({ id: 'RevokedShares' })
export type RevokedShares = z.infer<typeof RevokedSharesSchema>

/** The share id in a path: `shr_` and 16 base64url characters. */
export const ShareIdSchema = z
  .string()
  .regex(/^shr_[A-Za-z0-9_-]{16}$/, 'A share id looks like shr_ and 16 characters')
  .meta({ example: 'shr_Vb3kX0q9cJ1fRk2m' })
