import { createServer, type Server } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { createApp } from './app.ts'
import { AuditLog } from './audit/audit-log.ts'
import { countingAuthFailures } from './auth/failure-method.ts'
import { type Auth, authFromConfig } from './auth/from-config.ts'
import type { Config } from './config/index.ts'
import { ConnectionGuard } from './http/connection-guard.ts'
import { answerClientError, refuseConnect } from './http/protocol-errors.ts'
import type { Logger } from './logger.ts'
import { Metrics } from './metrics/metrics.ts'
import type { AgentChoice } from './provisioners/agent-command.ts'
import { LocalProvisioner } from './provisioners/local.ts'
import type { Provisioner } from './provisioners/provisioner.ts'
import type { SandboxChoice } from './provisioners/sandbox.ts'
import {
  createForwarder,
  createRequestListener,
  type RequestListener,
  StreamRegistry,
} from './proxy/index.ts'
import { SessionEventHub } from './sessions/event-hub.ts'
import { sessionServiceFromConfig } from './sessions/from-config.ts'
import type { SessionService } from './sessions/service.ts'
import { OpenLinks } from './shares/open-links.ts'
import { ShareService, shareCredentialId } from './shares/service.ts'
import { type BoundListener, bindListener } from './startup/listener.ts'
import { type Checked, preflight } from './startup/preflight.ts'
import { sandboxLayout } from './startup/sandbox-layout.ts'
import { type OpenedStore, openStore } from './store/open.ts'

/** What {@link startServer} needs: a validated config and a logger. */
export interface StartServerOptions {
  config: Readonly<Config>
  logger: Logger
  /** The proxy's environment (PATH to find `agentapi`, variables sessions inherit). */
  env?: Record<string, string | undefined>
  /** The file the config came from: hidden from sandboxed agents (it may hold keys). */
  configFile?: string | null
}

/** A listening server: where it is, what it runs, and how to stop it. */
export interface RunningServer {
  url: string
  port: number
  agent: AgentChoice
  /** How local agents are kept apart (the banner says it); unset on Kubernetes. */
  sandbox: SandboxChoice | undefined
  sessions: SessionService
  /**
   * Graceful stop: stops accepting, stops every session (SIGTERM to each agent's process
   * group, SIGKILL after `stop_grace`), closes connections, and resolves when all is down.
   */
  close(): Promise<void>
}

/**
 * The composition root: builds every collaborator from the config and listens.
 *
 * @example
 * const server = await startServer({ config, logger })
 * console.log(server.url)
 * await server.close()
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options
  const env = options.env ?? process.env
  // Checks first, writes after: a start-up that fails leaves no data directory, key file,
  // database or workdir behind. The port is bound (no write) before the store is opened.
  const checked = await preflight(config, env)
  const bound = await bindListener(config.host, config.port, (handler) =>
    createListener(config.server, handler, options.logger),
  )
  try {
    return serve(options, checked, await openServices(options, env, checked), bound)
  } catch (error) {
    await bound.close()
    throw error
  }
}

interface Services {
  opened: OpenedStore
  auth: Auth
  sessions: SessionService
  streams: StreamRegistry
  shares: ShareService
  links: OpenLinks
  metrics: Metrics
  audit: AuditLog
  events: SessionEventHub
}

/** The writing half of start-up: the store, the workdir root, and the sessions brought back. */
async function openServices(
  options: StartServerOptions,
  env: Record<string, string | undefined>,
  checked: Checked,
): Promise<Services> {
  const { config, logger } = options
  // One registry per server: several servers in one process (tests) never share counters.
  const metrics = new Metrics()
  const opened = await openStore(config.persistence, {
    logger,
    env,
    observeQuery: metrics.observeQuery,
    eventLimit: config.events.replay_events,
    ...(checked.key ? { key: checked.key } : {}),
  })
  try {
    const provisioner = await provisionerFromConfig(options, checked)
    const stores = opened.authStores
    const auth = await authFromConfig(config, { logger, stores, files: checked.authFiles })
    // Open proxied streams end with their credential or their session, not when the client leaves.
    const streams = new StreamRegistry()
    auth.events.subscribe((ids) => streams.revoke(ids))
    const sessions = sessionServiceFromConfig(config, {
      store: opened.store,
      provisioner,
      agent: checked.agent,
      logger,
      proxyEnv: env,
      roleEnv: auth.roleEnv,
      onDelete: (sessionId) => streams.endSession(sessionId),
      metrics,
    })
    const audit = new AuditLog({
      store: opened.auditStore,
      logger,
      retentionMs: config.audit.retention,
    })
    metrics.sources = {
      sessions: () => sessions.liveStates(),
      audit: () => ({ pending: audit.pending, lost: audit.lost }),
    }
    // Before the restore, whose status changes are events like any other.
    const events = await SessionEventHub.open({
      store: opened.store,
      logger,
      maxAgeMs: config.events.replay_age,
    })
    const restored = await sessions.restore()
    if (restored.adopted + restored.restarted + restored.reaped > 0) {
      logger.info(restored, 'restored sessions')
    }
    const { shares, links } = shareServices(opened, sessions, streams, logger)
    return { opened, auth, sessions, streams, shares, links, metrics, audit, events }
  } catch (error) {
    await opened.close()
    throw error
  }
}

/** Share links, whose streams end through the same registry as credentials'. */
function shareServices(
  opened: OpenedStore,
  sessions: SessionService,
  streams: StreamRegistry,
  logger: Logger,
): { shares: ShareService; links: OpenLinks } {
  const cut = (ids: readonly string[]) => streams.revoke(ids.map(shareCredentialId))
  const links = new OpenLinks({
    store: opened.shares,
    cut,
    onError: (error) => logger.warn({ err: error }, 'could not check the open share links'),
  })
  const shares = new ShareService({ store: opened.shares, sessions, links, cut })
  return { shares, links }
}

/** Child processes on this machine, or pods on the configured cluster. */
async function provisionerFromConfig(
  { config, logger, configFile }: StartServerOptions,
  checked: Checked,
): Promise<Provisioner> {
  if (config.provisioner.kind === 'kubernetes') {
    // Loaded only when used: the Kubernetes client is large, and most servers run local agents.
    const { KubernetesProvisioner } = await import('./provisioners/kubernetes/provisioner.ts')
    return KubernetesProvisioner.open(config.provisioner, logger)
  }
  return new LocalProvisioner({
    startPort: config.start_port,
    workdirRoot: config.session.workdir_root,
    logMaxBytes: config.session.log_max_bytes,
    agentHost: config.session.agent_host,
    homeRoot: config.session.home_root,
    sandbox: sandboxLayout(config, checked, configFile ?? null),
    ...(config.agent.startup_script ? { startupScript: config.agent.startup_script } : {}),
  })
}

/** Hands the bound port its handler; the requests that waited during start-up go first. */
function serve(
  options: StartServerOptions,
  { agent, sandbox }: Checked,
  { opened, auth, sessions, streams, shares, links, metrics, audit, events }: Services,
  bound: BoundListener,
): RunningServer {
  const { config, logger } = options
  const authenticate = countingAuthFailures(auth.authenticate, config.auth, (method) =>
    metrics.authFailed(method),
  )
  // Ends every open event stream when the server stops; they would hold its close otherwise.
  const closing = new AbortController()
  const app = createApp({
    logger,
    config,
    auth: { ...auth, authenticate },
    sessions,
    shares,
    audit,
    metrics,
    events: {
      hub: events,
      heartbeatMs: config.events.heartbeat,
      signal: closing.signal,
      streams,
      streamOpened: (kind) => metrics.streamOpened(kind),
    },
    readiness: { store: () => opened.store.ping(), audit: () => audit.ping() },
  })
  const forwarder = createForwarder({
    directory: sessions,
    authenticate,
    logger,
    cors: { allowedOrigins: config.cors.allowed_origins },
    apiKeyHeader: config.auth.static.header_name,
    streams,
    shares: { resolve: (token) => shares.resolve(token), links },
    metrics,
    trustProxy: config.server.trust_proxy,
    timeouts: {
      connectMs: config.proxy.connect_timeout,
      headersMs: config.proxy.response_timeout,
      bodyMs: config.proxy.response_timeout,
    },
  })
  // One listener: session paths go to the forwarder (the hot path, no framework), the rest of
  // the API to Hono. Why: docs/architecture.md, "The proxy's fast path".
  bound.serve(createRequestListener({ forwarder, api: getRequestListener(app.fetch) }))
  const { server, port } = bound
  // After start-up an error (an accept failing for want of file descriptors) is no reason to
  // stop serving the connections already open.
  server.on('error', (error) => logger.error({ err: error }, 'listener error'))
  const url = `http://${formatHost(config.host)}:${port}`
  logger.info({ url, agent: agent.kind, sandbox: sandbox?.kind }, 'listening')
  return {
    url,
    port,
    agent,
    sandbox,
    sessions,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      closing.abort()
      events.close()
      await sessions.shutdown()
      server.closeAllConnections()
      await forwarder.close()
      links.close()
      await closed
      // Kept audit entries get their last chance while the store is still open.
      await audit.close()
      await opened.close()
    },
  }
}

/**
 * The `node:http` server with the config's limits: Node's own timers close a connection that is
 * slow to send its headers or its request, or idle after a response; none of them runs while a
 * response is being written, so SSE streams stay open. The guard caps connections.
 */
function createListener(
  limits: Config['server'],
  listener: RequestListener,
  logger: Logger,
): Server {
  const guard = new ConnectionGuard(
    {
      maxConnections: limits.max_connections,
      maxConnectionsPerIp: limits.max_connections_per_ip,
    },
    logger,
  )
  const server = createServer(
    {
      headersTimeout: limits.headers_timeout,
      requestTimeout: limits.request_timeout,
      keepAliveTimeout: limits.keep_alive_timeout,
      // The request listener answers a missing Host itself, as problem+json.
      requireHostHeader: false,
      // Node checks the two timeouts above on this interval (30 s by default, which would let a
      // 10 s headers timeout run to 40 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headers_timeout / 4)),
    },
    guard.wrap(listener),
  )
  guard.attach(server)
  server.on('clientError', answerClientError(logger))
  server.on('connect', refuseConnect)
  return server
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}
