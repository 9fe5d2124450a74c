import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { createApp } from './app.ts'
import { authFromConfig } from './auth/from-config.ts'
import type { Config } from './config/index.ts'
import type { Logger } from './logger.ts'
import { type AgentChoice, resolveAgent } from './provisioners/agent-command.ts'
import { LocalProvisioner } from './provisioners/local.ts'
import { createForwarder, createRequestListener, StreamRegistry } from './proxy/index.ts'
import { sessionServiceFromConfig } from './sessions/from-config.ts'
import type { SessionService } from './sessions/service.ts'
import { openStore } from './store/open.ts'

/** What {@link startServer} needs: a validated config and a logger. */
export interface StartServerOptions {
  config: Readonly<Config>
  logger: Logger
  /** The proxy's environment (PATH to find `agentapi`, variables sessions inherit). */
  env?: Record<string, string | undefined>
}

/** A listening server: where it is, what it runs, and how to stop it. */
export interface RunningServer {
  url: string
  port: number
  agent: AgentChoice
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
  const { config, logger } = options
  const env = options.env ?? process.env
  const agent = resolveAgent(config.agent, env.PATH)
  const opened = await openStore(config.persistence, { logger, env })
  const { store } = opened
  const provisioner = new LocalProvisioner({
    startPort: config.start_port,
    workdirRoot: config.session.workdir_root,
    logMaxBytes: config.session.log_max_bytes,
    ...(config.agent.startup_script ? { startupScript: config.agent.startup_script } : {}),
  })
  const auth = await authFromConfig(config, { logger, stores: opened.authStores })
  // Open proxied streams end with their credential or their session, not when the client leaves.
  const streams = new StreamRegistry()
  auth.events.subscribe((ids) => streams.revoke(ids))
  const sessions = sessionServiceFromConfig(config, {
    store,
    provisioner,
    agent,
    logger,
    proxyEnv: env,
    roleEnv: auth.roleEnv,
    onDelete: (sessionId) => streams.endSession(sessionId),
  })
  const restored = await sessions.restore()
  if (restored.adopted + restored.restarted + restored.reaped > 0) {
    logger.info(restored, 'restored sessions')
  }
  const app = createApp({
    logger,
    config,
    auth,
    sessions,
    readiness: { store: () => store.ping() },
  })
  const forwarder = createForwarder({
    directory: sessions,
    authenticate: auth.authenticate,
    logger,
    cors: { allowedOrigins: config.cors.allowed_origins },
    apiKeyHeader: config.auth.static.header_name,
    streams,
  })
  // One listener: session paths go to the forwarder (the hot path, no framework), the rest of
  // the API to Hono. See DESIGN §4.
  const server = createServer(
    createRequestListener({ forwarder, api: getRequestListener(app.fetch) }),
  )
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${formatHost(config.host)}:${port}`
  logger.info({ url, agent: agent.kind }, 'listening')
  return {
    url,
    port,
    agent,
    sessions,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      await sessions.shutdown()
      server.closeAllConnections()
      await forwarder.close()
      await closed
      await opened.close()
    },
  }
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}
