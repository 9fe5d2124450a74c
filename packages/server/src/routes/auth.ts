import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { authStatus, authTypes } from '../auth/authenticate.ts'
import type { Auth } from '../auth/from-config.ts'
import type { Config } from '../config/index.ts'
import { AppError } from '../errors.ts'
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
    return c.json(await oauth().callback(code, state), 200)
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
    return c.json(await oauth().logout(token), 200)
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
    return c.json(await auth.apiKeys.create(await callerOf(c), c.req.valid('json')), 201)
  })
  app.openapi(routes.deleteApiKey, async (c) =>
    c.json(await auth.apiKeys.revoke(await callerOf(c), c.req.valid('param').keyId), 200),
  )
}
