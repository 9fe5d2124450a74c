import type { SessionEvent, WaitEventsQuery, WaitEventsResponse } from '@agentapi-proxy/shared'
import { readEventStream } from './event-stream.ts'
import { emptyBody } from './events.ts'
import { parsed, type ReconnectOptions, reconnecting } from './reconnecting.ts'
import type { Transport } from './transport.ts'

/**
 * Options of `sessionEvents()`.
 *
 * @example
 * for await (const event of client.sessionEvents({ signal, lastEventId: saved })) save(event.id)
 */
export interface SessionEventsOptions {
  /** Aborting it ends the iteration (without an error) and closes the stream. */
  signal?: AbortSignal
  /** Resume after this event id (one you saved); from now when unset. */
  lastEventId?: number
  /** `false`: a dropped stream ends the iteration and errors are thrown at once. */
  reconnect?: ReconnectOptions | false
  /** Called each time a stream opens. */
  onOpen?: (reconnected: boolean) => void
  /** Called before each reconnection with why the stream ended and how long it waits. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

const TYPES = new Set(['created', 'status', 'agent_status', 'deleted', 'reset'])

/**
 * `GET /sessions/events` over fetch streaming, typed, reconnecting with backoff and
 * `Last-Event-ID`, so a dropped connection loses nothing within the server's replay window. A
 * `reset` event says changes were missed anyway (the window was passed): reload the list.
 *
 * @example
 * for await (const event of sessionEvents(transport, { signal })) {
 *   if (event.type === 'reset') sessions = await reload()
 *   else sessions.set(event.session.session_id, event.session)
 * }
 */
export async function* sessionEvents(
  transport: Transport,
  options: SessionEventsOptions = {},
): AsyncGenerator<SessionEvent, void, undefined> {
  const { signal } = options
  let position = options.lastEventId === undefined ? '' : String(options.lastEventId)
  const open = async () => {
    const response = await transport.send('GET', 'sessions/events', {
      headers: {
        accept: 'text/event-stream',
        ...(position ? { 'Last-Event-ID': position } : {}),
      },
      retry: 0,
      timeout: false,
      ...(signal ? { signal } : {}),
    })
    const stream = readEventStream(response.body ?? emptyBody(), {
      // The stream's first block carries the position only: a reconnect resumes from it.
      onLastEventId: (id) => {
        position = id
      },
    })
    return parsed(stream, (message) => toSessionEvent(message.event, message.data))
  }
  yield* reconnecting(open, 'The session event stream ended', options)
}

function toSessionEvent(type: string, data: string): SessionEvent | undefined {
  if (!TYPES.has(type)) return undefined
  try {
    return JSON.parse(data) as SessionEvent
  } catch {
    return undefined // a torn line must not end the stream
  }
}

/**
 * `GET /sessions/events/wait`: the long poll. The request's own timeout is the wait plus a
 * margin, so the client never gives up before the server answers.
 *
 * @example
 * const { events, latest_id } = await waitForSessionEvents(transport, { after: 41, timeout: 30 })
 */
export function waitForSessionEvents(
  transport: Transport,
  query: WaitEventsQuery = {},
  signal?: AbortSignal,
): Promise<WaitEventsResponse> {
  const searchParams: Record<string, number> = {}
  if (query.after !== undefined) searchParams.after = query.after
  if (query.timeout !== undefined) searchParams.timeout = query.timeout
  return transport.json<WaitEventsResponse>('GET', 'sessions/events/wait', {
    searchParams,
    timeout: ((query.timeout ?? 30) + 15) * 1000,
    ...(signal ? { signal } : {}),
  })
}
