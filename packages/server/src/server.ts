import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { createApp } from './app.ts'
import type { Config } from './config/index.ts'
import type { Logger } from './logger.ts'
import { type AgentChoice, resolveAgent } from './provisioners/agent-command.ts'

/** What {@link startServer} needs: a validated config and a logger. */
export interface StartServerOptions {
  config: Readonly<Config>
  logger: Logger
  /** PATH to look for `agentapi` on; defaults to the process's. */
  path?: string
}

/** A listening server: where it is, what it runs, and how to stop it. */
export interface RunningServer {
  url: string
  port: number
  agent: AgentChoice
  /** Stops accepting, ends idle keep-alive sockets and resolves when closed. */
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
  const agent = resolveAgent(config.agent, options.path ?? process.env.PATH)
  const app = createApp({ logger })
  const server = createServer(getRequestListener(app.fetch))
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeIdleConnections()
      }),
  }
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}
