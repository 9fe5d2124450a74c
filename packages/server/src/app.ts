import { buildOpenApiDocument } from '@agentapi-proxy/shared/routes'
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { AuditLog } from './audit/audit-log.ts'
import { MemoryAuditStore } from './audit/audit-store.ts'
import type { Auth } from './auth/from-config.ts'
import type { Config } from './config/index.ts'
import { AppError } from './errors.ts'
import { auditMiddleware } from './http/audit.ts'
import { corsMiddleware } from './http/cors.ts'
import { closeUnreadBody } from './http/incoming.ts'
import { principalMiddleware } from './http/principal.ts'
import { notFound, onError } from './http/problem-response.ts'
import { requestLog } from './http/request-log.ts'
import type { Logger } from './logger.ts'
import { registerMcpRoute } from './mcp/endpoint.ts'
import { Metrics } from './metrics/metrics.ts'
import { registerAuditRoutes } from './routes/audit.ts'
import { registerAuthRoutes } from './routes/auth.ts'
import { registerDocsRoutes } from './routes/docs.ts'
import { type ReadinessCheck, registerHealthRoutes } from './routes/health.ts'
import { registerLandingRoute } from './routes/landing.ts'
import { registerMetricsRoute } from './routes/metrics.ts'
import { registerSessionEventRoutes, type SessionEventSettings } from './routes/session-events.ts'
import { registerSessionRoutes } from './routes/sessions.ts'
import { registerShareRoutes } from './routes/shares.ts'
import type { SessionEventHub } from './sessions/event-hub.ts'
import type { SessionService } from './sessions/service.ts'
import type { ShareService } from './shares/service.ts'
import { validationError } from './validation.ts'

/** What {@link createApp} is built from; tests pass real collaborators on port 0. */
export interface AppDeps {
  logger: Logger
  sessions: SessionService
  /** The session event log's reader behind `/sessions/events`, and how its streams behave. */
  events: SessionEventSettings & { hub: SessionEventHub }
  auth: Auth
  config: Readonly<Config>
  /** Share links; their routes are left out without it. */
  shares?: ShareService
  /** Named checks `/ready` runs (e.g. the store's ping). */
  readiness?: Record<string, ReadinessCheck>
  /** Largest JSON body the API accepts, in bytes (the proxy path has its own rules). */
  maxBodyBytes?: number
  /** The audit log; one in memory when unset. */
  audit?: AuditLog
  /** What `/metrics` serves; an empty registry of its own when unset. */
  metrics?: Metrics
}

/**
 * The Hono application for the API: request id → request log → routes, with one `onError`
 * that renders problem+json and one validation hook that names each bad field.
 *
 * @example
 * // server.ts builds the collaborators; tests pass real ones on port 0
 * const app = createApp({ logger, config, auth, sessions, readiness: { store: () => store.ping() } })
 * const res = await app.request('/health')
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target)
    },
  })
  app.use(closeUnreadBody())
  app.use(requestId())
  app.use(requestLog(deps.logger))
  app.use(corsMiddleware(deps.config.cors.allowed_origins))
  app.use(
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 1024 * 1024,
      onError: () => {
        throw new AppError(
          'payload_too_large',
          `Request bodies are limited to ${deps.maxBodyBytes ?? 1024 * 1024} bytes`,
        )
      },
    }),
  )
  app.use(principalMiddleware(deps.auth.authenticate))
  const audit = deps.audit ?? new AuditLog({ store: new MemoryAuditStore(), logger: deps.logger })
  app.use(auditMiddleware(audit, deps.config.server.trust_proxy))
  registerHealthRoutes(app, deps.readiness ?? {})
  registerMetricsRoute(app, deps.metrics ?? new Metrics({ processMetrics: false }), deps.config)
  registerSessionEventRoutes(app, deps.events.hub, deps.events)
  registerSessionRoutes(app, deps.sessions)
  if (deps.shares) registerShareRoutes(app, deps.shares)
  registerAuthRoutes(app, deps.auth, deps.config)
  registerAuditRoutes(app, audit)
  const document = buildOpenApiDocument()
  registerMcpRoute(app, {
    sessions: deps.sessions,
    logger: deps.logger,
    version: document.info.version,
  })
  registerLandingRoute(app, deps.sessions, {
    version: document.info.version,
    oauth: deps.config.auth.github.enabled && deps.config.auth.github.oauth !== undefined,
  })
  registerDocsRoutes(app, document)
  app.notFound(notFound)
  app.onError(onError(deps.logger))
  return app
}

/** The application type, for tests and the server. */
export type App = ReturnType<typeof createApp>
