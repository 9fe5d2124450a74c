import { type DestinationStream, type Logger, pino } from 'pino'

export type { Logger }

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** `--verbose`: debug lines too. */
  verbose?: boolean
  /** Where JSON lines go; stdout by default, a capture stream in tests. */
  destination?: DestinationStream
}

/**
 * The structured (JSON lines) logger. Credentials are redacted by path as a second line of
 * defence; the first is never logging headers or bodies at all.
 *
 * @example
 * const logger = createLogger({ verbose: true })
 * logger.debug({ port }, 'listening')
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.verbose ? 'debug' : 'info',
      base: { service: 'agentapi-proxy' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['*.authorization', '*["x-api-key"]', '*.cookie', '*.token', '*.key', '*.secret'],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  )
}
