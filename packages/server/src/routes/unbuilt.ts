import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { AppError } from '../errors.ts'

// Routes of the contract that later work fills in. They are registered with their real
// request schemas, so validation already answers 422, and then 501 — never a misleading 404.
const UNBUILT = [
  routes.authTypes,
  routes.authStatus,
  routes.oauthAuthorize,
  routes.oauthCallback,
  routes.oauthRefresh,
  routes.oauthLogout,
  routes.listApiKeys,
  routes.createApiKey,
  routes.deleteApiKey,
] as const

const SESSION_PATH =
  '/:sessionId{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}/*'

function notImplemented(what: string): never {
  throw new AppError('not_implemented', `${what} is not implemented in this version yet`)
}

/** Registers every not-yet-built route of the contract as a 501. */
export function registerUnbuiltRoutes(app: OpenAPIHono) {
  for (const route of UNBUILT) {
    // biome-ignore lint/suspicious/noExplicitAny: one handler serves routes of every shape
    app.openapi(route as any, () => notImplemented(`${route.method.toUpperCase()} ${route.path}`))
  }
  app.all(SESSION_PATH, () => notImplemented('The session proxy'))
}
