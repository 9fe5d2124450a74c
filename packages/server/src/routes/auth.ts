import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { authStatus, authTypes } from '../auth/authenticate.ts'
import type { Auth } from '../auth/from-config.ts'
import type { Config } from '../config/index.ts'
import { AppError } from '../errors.ts'
import { recordAudit } from '../http/audit.ts'
import { callerOf } from '../http/principal.ts'

/** `/auth/*`, `/oauth/*` and `/api-keys`: who is calling, signing in, and managing keys. */
export function registerAuthRoutes(app: OpenAPIHono, auth: Auth, config: Readonly<Config>) {
  app.openapi(routes.authTypes, (c) => c.json(authTypes(config.auth), 200))
  app.openapi(routes.authStatus, async (c) => c.json(authStatus(await callerOf(c)), 200))

  const oauth = () => {
    if (auth.oauth) return auth.oauth
    throw new AppError(
      'not_found',
      'GitHub OAuth is not configured on this server (auth.github.oauth)',
    )
  }
  app.openapi(routes.oauthAuthorize, async (c) =>
    c.json(await oauth().authorize(c.req.valid('json').redirect_uri), 200),
  )
  app.openapi(routes.oauthCallback, async (c) => {
    const { code, state } = c.req.valid('query')
    const signedIn = await oauth().callback(code, state)
    const principal = { user_id: signedIn.user.id, auth_type: 'oauth' as const }
    await recordAudit(c, 'auth.sign_in', principal, null)
    return c.json(signedIn, 200)
  })
  app.openapi(routes.oauthRefresh, async (c) =>
    c.json(await oauth().refresh(c.req.valid('json').refresh_token), 200),
  )
  app.openapi(routes.oauthLogout, async (c) => {
    const token = /^bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    if (!token) {
      throw new AppError(
        'unauthorized',
        'Send the token to sign out as "Authorization: Bearer <token>"',
      )
    }
    const signedOut = await oauth().signOut(token)
    if (signedOut) {
      const principal = { user_id: signedOut.user_id, auth_type: 'oauth' as const }
      await recordAudit(c, 'auth.sign_out', principal, null)
    }
    return c.json({ status: 'logged_out' as const }, 200)
  })

  app.openapi(routes.listApiKeys, async (c) =>
    c.json(await auth.apiKeys.list(await callerOf(c), c.req.valid('query')), 200),
  )
  app.openapi(routes.createApiKey, async (c) => {
    // With auth off every caller is an anonymous admin: a key minted now would be an admin key
    // that nothing checks today and that grants everything the day auth is turned on.
    if (!config.auth.enabled) {
      throw new AppError(
        'conflict',
        'Auth is off (auth.enabled: false), so no request is checked against an API key; turn auth on before minting keys',
      )
    }
    const principal = await callerOf(c)
    const created = await auth.apiKeys.create(principal, c.req.valid('json'))
    await recordAudit(c, 'api_key.create', principal, created.id)
    return c.json(created, 201)
  })
  app.openapi(routes.deleteApiKey, async (c) => {
    const principal = await callerOf(c)
    const revoked = await auth.apiKeys.revoke(principal, c.req.valid('param').keyId)
    await recordAudit(c, 'api_key.revoke', principal, revoked.id)
    return c.json(revoked, 200)
  })
}
