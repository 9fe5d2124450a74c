import { OpenAPIHono } from '@hono/zod-openapi'
import { createApiKey, deleteApiKey, listApiKeys } from './api-keys.ts'
import { listAudit } from './audit.ts'
import { authStatus, authTypes } from './auth.ts'
import { docs, health, landing, openapi, ready } from './health.ts'
import { mcp } from './mcp.ts'
import { metrics } from './metrics.ts'
import { oauthAuthorize, oauthCallback, oauthLogout, oauthRefresh } from './oauth.ts'
import { proxyRoutes } from './proxy.ts'
import { sessionEvents, waitForSessionEvents } from './session-events.ts'
import {
  deleteSession,
  getSession,
  getSessionLogs,
  searchSessions,
  startSession,
} from './sessions.ts'
import { createShare, listShares, revokeShare, revokeShares, sharedRoutes } from './shares.ts'

/** Every route of the API, keyed by operation name. */
export const routes = {
  landing,
  health,
  ready,
  openapi,
  docs,
  startSession,
  searchSessions,
  sessionEvents,
  waitForSessionEvents,
  getSession,
  getSessionLogs,
  deleteSession,
  authTypes,
  authStatus,
  oauthAuthorize,
  oauthCallback,
  oauthRefresh,
  oauthLogout,
  listApiKeys,
  createApiKey,
  deleteApiKey,
  mcp,
  createShare,
  listShares,
  revokeShares,
  revokeShare,
  listAudit,
  metrics,
} as const

/** An OpenAPI 3.1 document, as `@hono/zod-openapi` produces it. */
export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>

/** Options for {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  /** `info.version`; defaults to the shared package's version. */
  version?: string
}

/**
 * The OpenAPI 3.1 document of the whole API, generated from the shared schemas. The server
 * serves it at `/openapi.json`; `docs/openapi.json` is a committed copy.
 *
 * @example
 * const doc = buildOpenApiDocument()
 * console.log(Object.keys(doc.paths ?? {}))
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions = {}): OpenApiDocument {
  // The registry of a bare OpenAPIHono is the generator; no handler is ever attached here.
  const app = new OpenAPIHono()
  const registry = app.openAPIRegistry
  for (const route of [...Object.values(routes), ...proxyRoutes, ...sharedRoutes])
    registry.registerPath(route)
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'A static or managed API key (the header name is configurable)',
  })
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key, a GitHub token, or a token issued by /oauth/callback',
  })
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The `metrics.token` of the config (only /metrics reads it)',
  })
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'agentapi-proxy',
      version: options.version ?? '0.1.0',
      description:
        'Runs one coder/agentapi server per session behind one authenticated front door. ' +
        'Errors are RFC 9457 problem+json with a stable `code`.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    },
    tags: [
      { name: 'Sessions', description: 'Start, find, inspect and stop agent sessions' },
      { name: 'Agent', description: "agentapi's own routes, through the proxy at /{sessionId}/…" },
      { name: 'Proxy', description: "Any other path of a session's agentapi" },
      { name: 'Auth', description: 'Who may do what' },
      { name: 'OAuth', description: 'Sign in with GitHub' },
      { name: 'API keys', description: 'Manage API keys' },
      { name: 'MCP', description: 'Drive sessions from an MCP client (an agent, an assistant)' },
      { name: 'Share links', description: 'Read-only links to a session, and what they read' },
      { name: 'Audit', description: 'Who did what, when and from where' },
      { name: 'Health', description: 'Liveness, readiness, metrics and this document' },
    ],
  })
}
