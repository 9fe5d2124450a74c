import { z } from 'zod'
import { PermissionSchema, RoleSchema } from './auth.ts'
import { TimestampSchema, UserIdSchema } from './common.ts'

/**
 * `POST /oauth/authorize`: where GitHub should send the browser back to.
 *
 * @example
 * const body: OAuthAuthorizeRequest = { redirect_uri: 'http://localhost:5173/callback' }
 */
export const OAuthAuthorizeRequestSchema = z
  .strictObject({
    redirect_uri: z.url().max(2048).meta({
      description:
        'Must be in allowed_redirect_uris, or on http://127.0.0.1 or [::1] (any port) when loopback_redirects is on',
    }),
  })
  .meta({
    id: 'OAuthAuthorizeRequest',
    example: { redirect_uri: 'http://127.0.0.1:5173/callback' },
  })
export type OAuthAuthorizeRequest = z.infer<typeof OAuthAuthorizeRequestSchema>

/**
 * Send the browser to `auth_url`; keep `state` to match the callback.
 *
 * @example
 * location.assign((await client.oauthAuthorize({ redirect_uri })).auth_url)
 */
export const OAuthAuthorizeResponseSchema = z
  .object({ auth_url: z.url(), state: z.string() })
  .meta({ id: 'OAuthAuthorizeResponse' })
export type OAuthAuthorizeResponse = z.infer<typeof OAuthAuthorizeResponseSchema>

/**
 * `GET /oauth/callback?code&state`: what GitHub appended to the redirect.
 *
 * @example
 * const q: OAuthCallbackQuery = { code: 'abc', state: 'xyz' }
 */
export const OAuthCallbackQuerySchema = z.strictObject({
  code: z.string().min(1).max(512),
  state: z.string().min(1).max(512),
})
export type OAuthCallbackQuery = z.infer<typeof OAuthCallbackQuerySchema>

/**
 * The signed-in GitHub user as the proxy sees them.
 *
 * @example
 * const u: OAuthUser = { id: '583231', login: 'octocat', name: null, role: 'member', permissions: [] }
 */
export const OAuthUserSchema = z
  .object({
    id: UserIdSchema.meta({ description: "GitHub's numeric user id", example: '583231' }),
    login: z.string(),
    name: z.string().nullable(),
    role: RoleSchema,
    permissions: z.array(PermissionSchema),
  })
  .meta({ id: 'OAuthUser' })
export type OAuthUser = z.infer<typeof OAuthUserSchema>

/**
 * A bearer token issued by the proxy (never GitHub's own token).
 *
 * @example
 * const client = createClient({ baseUrl, token: tokens.access_token })
 */
export const OAuthTokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_at: TimestampSchema,
    refresh_token: z.string(),
    user: OAuthUserSchema,
  })
  .meta({ id: 'OAuthTokenResponse' })
export type OAuthTokenResponse = z.infer<typeof OAuthTokenResponseSchema>

/**
 * `POST /oauth/refresh`: trade a refresh token for a new pair; the old pair stops working.
 *
 * @example
 * const body: OAuthRefreshRequest = { refresh_token: tokens.refresh_token }
 */
export const OAuthRefreshRequestSchema = z
  .strictObject({ refresh_token: z.string().min(1).max(512) })
  .meta({
    id: 'OAuthRefreshRequest',
    example: { refresh_token: 'aapr_Q2hhbmdlIG1lIGluIHRoZSBkb2NzIHBsZWFzZQ' },
  })
export type OAuthRefreshRequest = z.infer<typeof OAuthRefreshRequestSchema>

/**
 * `POST /oauth/logout`: the caller's token is revoked server-side.
 *
 * @example
 * const r: OAuthLogoutResponse = { status: 'logged_out' }
 */
export const OAuthLogoutResponseSchema = z
  .object({ status: z.literal('logged_out') })
  .meta({ id: 'OAuthLogoutResponse' })
export type OAuthLogoutResponse = z.infer<typeof OAuthLogoutResponseSchema>
