import type { Client, SessionEvent, SessionStatus, SessionSummary } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { note, printLine } from '../output.ts'
import { localTime } from '../timestamps.ts'
import { formatTags } from './list.ts'

/**
 * One change as a line a person scans: time, what happened, the session (short id), its owner,
 * status, agent status and tags.
 *
 * @example
 * eventLine(event) // '2026-11-25 14:21:33  status        3f2a1b4c  alice  active  stable  team=infra'
 */
export function eventLine(event: SessionEvent): string {
  const time = localTime(event.at)
  if (event.type === 'reset') return `${time}  reset         ${event.reason}`
  const s = event.session
  const columns = [s.session_id.slice(0, 8), s.user_id, s.status, s.agent_status ?? '-']
  return `${time}  ${event.type.padEnd(12)}  ${columns.join('  ')}  ${formatTags(s.tags)}`
}

/**
 * Follows session events until SIGINT (or `signal`), handing each to `onEvent`; `onOpen` runs
 * once the stream is open, before any event. Reconnections are noted on stderr.
 *
 * @example
 * await followEvents(client, url, (event) => printLine(eventLine(event)))
 */
export async function followEvents(
  client: Client,
  url: string,
  onEvent: (event: SessionEvent) => void | Promise<void>,
  onOpen?: () => Promise<void>,
): Promise<void> {
  const stop = new AbortController()
  const leave = () => stop.abort()
  process.once('SIGINT', leave)
  let opening: Promise<void> | undefined
  try {
    const events = client.sessionEvents({
      signal: stop.signal,
      onOpen: (reconnected) => {
        if (!reconnected) opening = onOpen?.()
      },
      onRetry: (error, _attempt, delay) =>
        note(`Lost the event stream (${(error as Error).message}); reconnecting in ${delay} ms`),
    })
    for await (const event of events) {
      await opening
      await onEvent(event)
    }
    await opening
  } catch (error) {
    throw explainFailure(error, { url })
  } finally {
    process.off('SIGINT', leave)
  }
}

/**
 * `agentapi-proxy watch`: prints one line per change of a session you may see, until Ctrl-C;
 * `--json` prints each event as one JSON line (NDJSON).
 *
 * @example
 * await watchCommand({ json: true })
 */
export async function watchCommand(options: ConnectionOptions): Promise<void> {
  const { client, url } = connect(options)
  await followEvents(
    client,
    url,
    (event) => printLine(options.json ? JSON.stringify(event) : eventLine(event)),
    async () => note(`Watching sessions on ${url}; Ctrl-C to stop.`),
  )
}

/** What a watched list shows: the filters of `list`, applied to each changed session. */
export interface ListFilter {
  user_id?: string
  /** Any of these statuses; unset: every status. */
  status?: SessionStatus[]
  tags: Record<string, string>
}

/** Whether `session` belongs in a list with `filter`. */
export function matches(session: SessionSummary, filter: ListFilter): boolean {
  if (filter.user_id !== undefined && session.user_id !== filter.user_id) return false
  if (filter.status !== undefined && !filter.status.includes(session.status)) return false
  return Object.entries(filter.tags).every(([key, value]) => session.tags[key] === value)
}
