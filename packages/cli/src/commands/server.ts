import {
  createLogger,
  formatBanner,
  loadConfig,
  type RunningServer,
  StartupError,
  startServer,
} from '@agentapi-proxy/server'
import { CliError } from '../cli-error.ts'
import { ExitCode } from '../exit-codes.ts'
import { VERSION } from '../version.ts'

/** Flags of `agentapi-proxy server`. */
export interface ServerCommandOptions {
  port?: number
  host?: string
  config?: string
  verbose?: boolean
}

/**
 * Starts the proxy and runs until SIGINT/SIGTERM, then closes cleanly. Resolves on shutdown.
 *
 * @example
 * await serverCommand({ port: 8080, verbose: true })
 */
export async function serverCommand(options: ServerCommandOptions): Promise<void> {
  const logger = createLogger({ verbose: options.verbose ?? false })
  // Listen for signals before anything starts, so a stop during start-up is still graceful.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const { server, file, config } = await explained(async () => {
    const loaded = loadConfig({
      file: options.config,
      flags: { port: options.port, host: options.host },
      env: process.env,
    })
    const server = await startServer({ config: loaded.config, logger, configFile: loaded.file })
    return { ...loaded, server }
  })
  process.stderr.write(
    formatBanner({
      url: server.url,
      version: VERSION,
      configFile: file,
      config,
      agent: server.agent,
      sandbox: server.sandbox,
      replica: server.sessions.replica,
    }),
  )
  const signal = await stopSignal
  logger.info({ signal }, 'shutting down')
  await server.close()
  logger.flush()
}

/**
 * The one place start-up problems become exit code 2: a bad config, a busy port, an unusable
 * path, an unreachable database or a bad key is the operator's to fix, and says how. Anything
 * else is a bug and keeps its stack.
 */
async function explained<T extends { server: RunningServer }>(start: () => Promise<T>): Promise<T> {
  try {
    return await start()
  } catch (error) {
    if (error instanceof StartupError) throw new CliError(error.message, error.hint, ExitCode.usage)
    throw error
  }
}
