import { slogTimestamp } from './clock.ts'

/**
 * One line of Go's `log/slog` text format, which agentapi writes to stdout:
 * `time=2026-04-10T12:00:00.123Z level=INFO msg="Starting server on port" port=3284`.
 * Harnesses wait for that last line, so the echo agent prints the same.
 */
export function formatSlogLine(
  level: string,
  message: string,
  attributes: Readonly<Record<string, string | number>> = {},
  epochMs: number = Date.now(),
): string {
  const pairs = [
    ['time', slogTimestamp(epochMs)],
    ['level', level],
    ['msg', message],
    ...Object.entries(attributes).map(([key, value]) => [key, String(value)]),
  ]
  return `${pairs.map(([key, value]) => `${key}=${quote(value ?? '')}`).join(' ')}\n`
}

/** slog quotes a value that is empty or holds spaces, `=`, `"` or unprintable characters. */
function quote(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters slog quotes.
  return value === '' || /[\s="\x00-\x1f\x7f]/.test(value) ? JSON.stringify(value) : value
}
