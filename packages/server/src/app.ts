import { buildOpenApiDocument } from '@agentapi-proxy/shared/routes'
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import type { Auth } from './auth/from-config.ts'
import type { Config } from './config/index.ts'
import { AppError } from './errors.ts'
import { corsMiddleware } from './http/cors.ts'
import { closeUnreadBody } from './http/incoming.ts'
import { principalMiddleware } from './http/principal.ts'
import { notFound, onError } from './http/problem-response.ts'
import { requestLog } from './http/request-log.ts'
import type { Logger } from './logger.ts'
import { registerAuthRoutes } from './routes/auth.ts'
import { registerDocsRoutes } from './routes/docs.ts'
import { type ReadinessCheck, registerHealthRoutes } from './routes/health.ts'
import { registerLandingRoute } from './routes/landing.ts'
import { registerSessionEventRoutes, type SessionEventSettings } from './routes/session-events.ts'
import { registerSessionRoutes } from './routes/sessions.ts'
import type { SessionEventHub } from './sessions/event-hub.ts'
import type { SessionService } from './sessions/service.ts'
import { validationError } from './validation.ts'

/** What {@link createApp} is built from; tests pass real collaborators on port 0. */
export interface AppDeps {
  logger: Logger
  sessions: SessionService
  /** The session event log's reader behind `/sessions/events`, and how its streams behave. */
  events: SessionEventSettings & { hub: SessionEventHub }
  auth: Auth
  config: Readonly<Config>
  /** Named checks `/ready` runs (e.g. the store's ping). */
  readiness?: Record<string, ReadinessCheck>
  /** Largest JSON body the API accepts, in bytes (the proxy path has its own rules). */
  maxBodyBytes?: number
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
  registerHealthRoutes(app, deps.readiness ?? {})
  registerSessionEventRoutes(app, deps.events.hub, deps.events)
  registerSessionRoutes(app, deps.sessions)
  registerAuthRoutes(app, deps.auth, deps.config)
  const document = buildOpenApiDocument()
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
