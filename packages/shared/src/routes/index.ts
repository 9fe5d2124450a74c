export { createApiKey, deleteApiKey, listApiKeys } from './api-keys.ts'
export { listAudit } from './audit.ts'
export { authStatus, authTypes } from './auth.ts'
export type { OpenApiDocument, OpenApiDocumentOptions } from './document.ts'
export { buildOpenApiDocument, routes } from './document.ts'
export { docs, health, landing, openapi, ready } from './health.ts'
export { mcp } from './mcp.ts'
export { metrics } from './metrics.ts'
export { oauthAuthorize, oauthCallback, oauthLogout, oauthRefresh } from './oauth.ts'
export { proxyRoutes } from './proxy.ts'
export { sessionEvents, waitForSessionEvents } from './session-events.ts'
export {
  deleteSession,
  getSession,
  getSessionLogs,
  searchSessions,
  startSession,
} from './sessions.ts'
export { createShare, listShares, revokeShare, revokeShares, sharedRoutes } from './shares.ts'
