import { createInterface } from 'node:readline'

/**
 * What a person pasted: the URL the browser was sent back to (`…/callback?code=…&state=…`),
 * its query, or the code alone. Returns the code and the state when it says one.
 *
 * @example
 * parsePasted('http://127.0.0.1:4711/callback?code=abc&state=xyz') // { code: 'abc', state: 'xyz' }
 * parsePasted('abc') // { code: 'abc' }
 */
export function parsePasted(text: string): { code?: string; state?: string; error?: string } {
  const trimmed = text.trim()
  if (!/[?&=]/.test(trimmed)) return trimmed ? { code: trimmed } : {}
  const query = URL.canParse(trimmed)
    ? new URL(trimmed).searchParams
    : new URLSearchParams(trimmed.slice(trimmed.indexOf('?') + 1))
  const read = (name: string) => query.get(name) ?? undefined
  const result: { code?: string; state?: string; error?: string } = {}
  for (const name of ['code', 'state', 'error'] as const) {
    const value = read(name)
    if (value) result[name] = value
  }
  return result
}

/**
 * The first non-empty line of stdin, or never when stdin ends without one (the browser's
 * redirect may still arrive). Stops reading on `signal`.
 *
 * @example
 * const line = await firstLine(process.stdin, controller.signal)
 */
export function firstLine(input: NodeJS.ReadableStream, signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false })
    signal.addEventListener('abort', () => lines.close(), { once: true })
    lines.on('line', (line) => {
      if (!line.trim()) return
      lines.close()
      resolve(line)
    })
  })
}
