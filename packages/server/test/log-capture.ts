import { createLogger, type Logger } from '../src/logger.ts'

/** A real pino logger whose JSON lines are kept in memory, for tests that read the logs. */
export function captureLogs(): {
  logger: Logger
  lines: () => Record<string, unknown>[]
  text: () => string
} {
  const chunks: string[] = []
  const logger = createLogger({
    verbose: true,
    destination: { write: (chunk: string) => chunks.push(chunk) },
  })
  const text = () => chunks.join('')
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  return { logger, lines, text }
}
