import {
  ConfigError,
  createLogger,
  formatBanner,
  loadConfig,
  startServer,
} from '@agentapi-proxy/server'
import { CliError } from '../cli-error.ts'
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
  const loaded = loadOrExplain(options)
  const logger = createLogger({ verbose: options.verbose ?? false })
  // Listen for signals before anything starts, so a stop during start-up is still graceful.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  const server = await startServer({ config: loaded.config, logger })
  process.stderr.write(
    formatBanner({
      url: server.url,
      version: VERSION,
      configFile: loaded.file,
      config: loaded.config,
      agent: server.agent,
    }),
  )
  const signal = await stopSignal
  logger.info({ signal }, 'shutting down')
  await server.close()
  logger.flush()
}

function loadOrExplain(options: ServerCommandOptions) {
  try {
    return loadConfig({
      file: options.config,
      flags: { port: options.port, host: options.host },
      env: process.env,
    })
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(error.message, 'Fix the fields above and start the server again.', 2)
    }
    throw error
  }
}
