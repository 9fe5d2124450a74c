export { createApiKey, deleteApiKey, listApiKeys } from './api-keys.ts'
export { authStatus, authTypes } from './auth.ts'
export type { OpenApiDocument, OpenApiDocumentOptions } from './document.ts'
export { buildOpenApiDocument, routes } from './document.ts'
export { docs, health, landing, openapi, ready } from './health.ts'
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
