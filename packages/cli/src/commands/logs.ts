import { ApiError, type Client } from '@agentapi-proxy/client'
import { LogsQuerySchema } from '@agentapi-proxy/shared'
import type { ConnectionOptions } from '../connection.ts'
import { note, printJson, printLine } from '../output.ts'
import { onSession } from '../session-id.ts'

const FOLLOW_MS = 1000
const FOLLOW_TAIL = 1000
// The server's own default for `tail`, so `logs -f` starts like `logs`.
const DEFAULT_TAIL = LogsQuerySchema.parse({}).tail
// Still worth reading: a stopping agent may write its last lines.
const RUNNING = new Set(['starting', 'active', 'stopping', 'suspended'])

/**
 * Flags of `agentapi-proxy logs`.
 *
 * @example
 * const options: LogsCommandOptions = { tail: 50, follow: true }
 */
export interface LogsCommandOptions extends ConnectionOptions {
  /** How many of the last lines (the server's default is 200). */
  tail?: number | undefined
  /** Keep printing new lines until the session stops or Ctrl-C. */
  follow?: boolean | undefined
}

/**
 * Prints the tail of a session's agent output (stdout and stderr). With `follow`, polls once a
 * second and prints the lines that are new, until the session stops or SIGINT.
 *
 * @example
 * await logsCommand('1a2b3c4d', { tail: 20 })
 */
export async function logsCommand(id: string, options: LogsCommandOptions): Promise<void> {
  await onSession(options, id, async (client, full) => {
    if (!options.follow) {
      const first = await client.logs(full, options.tail ? { tail: options.tail } : {})
      if (options.json) return printJson(first)
      for (const line of first.lines) printLine(line)
      return
    }
    // The baseline must be the same window the follow loop reads: compared with a short tail,
    // a long one never overlaps its end, and the whole log would print again.
    const { lines } = await client.logs(full, { tail: FOLLOW_TAIL })
    for (const line of lines.slice(-(options.tail ?? DEFAULT_TAIL))) {
      printLine(options.json ? JSON.stringify(line) : line)
    }
    await follow(client, full, lines, options.json === true)
  })
}

async function follow(client: Client, id: string, seen: string[], json: boolean): Promise<void> {
  const stop = new AbortController()
  const leave = () => stop.abort()
  process.once('SIGINT', leave)
  try {
    let previous = seen
    while (!stop.signal.aborted) {
      await sleep(FOLLOW_MS, stop.signal)
      const read = await readTail(client, id)
      for (const line of newLines(previous, read?.lines ?? [])) {
        printLine(json ? JSON.stringify(line) : line)
      }
      previous = read?.lines ?? previous
      if (!read || !RUNNING.has(read.status)) {
        note(`Session ${id} is ${read?.status ?? 'gone'}.`)
        return
      }
    }
  } finally {
    process.off('SIGINT', leave)
  }
}

/** The log tail and status of a session; undefined once it is gone (404). */
async function readTail(client: Client, id: string) {
  try {
    const [{ lines }, { status }] = await Promise.all([
      client.logs(id, { tail: FOLLOW_TAIL }),
      client.getSession(id),
    ])
    return { lines, status }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined
    throw error
  }
}

/**
 * The lines of `current` after the longest run that ends `previous` and starts `current`: what
 * was written between two reads of a log's tail.
 *
 * @example
 * newLines(['a', 'b', 'c'], ['b', 'c', 'd']) // ['d']
 */
export function newLines(previous: readonly string[], current: readonly string[]): string[] {
  for (let overlap = Math.min(previous.length, current.length); overlap > 0; overlap--) {
    const start = previous.length - overlap
    let same = true
    for (let i = 0; same && i < overlap; i++) same = previous[start + i] === current[i]
    if (same) return current.slice(overlap)
  }
  return [...current]
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
