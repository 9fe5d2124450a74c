import type { AgentEvent } from '@agentapi-proxy/shared'
import { ApiError } from './api-error.ts'
import { readEventStream, type ServerSentEvent } from './event-stream.ts'
import { segment, type Transport } from './transport.ts'

/**
 * How `events()` reconnects after a dropped stream: exponential backoff from `delay` up to
 * `maxDelay` (with jitter), giving up after `attempts` reconnections in a row that got no event.
 *
 * @example
 * client.events(id, { reconnect: { delay: 1000, maxDelay: 30_000, attempts: 10 } })
 */
export interface ReconnectOptions {
  /** First delay, in ms (500). */
  delay?: number
  /** Longest delay, in ms (30 000). */
  maxDelay?: number
  /** Reconnections in a row without an event before the last error is thrown (Infinity). */
  attempts?: number
}

/**
 * Options of `events()`.
 *
 * @example
 * const controller = new AbortController()
 * for await (const event of client.events(id, { signal: controller.signal })) console.log(event)
 */
export interface EventsOptions {
  /** Aborting it ends the iteration (without an error) and closes the stream. */
  signal?: AbortSignal
  /** `false`: a dropped stream ends the iteration and errors are thrown at once. */
  reconnect?: ReconnectOptions | false
  /** Called each time a stream opens; a replay of the current state follows. */
  onOpen?: (reconnected: boolean) => void
  /** Called before each reconnection with why the stream ended and how long it waits. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

// Statuses worth another try: the agent or the proxy may be back in a moment. Anything else
// (401, 403, 404: the session is gone, 501) would answer the same again.
export const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504])

/** Thrown to the retry logic when a stream ends cleanly; only surfaces if retries run out. */
export class StreamEnded extends Error {
  override name = 'StreamEnded'
}

/**
 * `GET /{sessionId}/events` over fetch streaming (so an Authorization header can be sent,
 * which `EventSource` cannot), typed, and reconnecting with backoff. agentapi has no event ids:
 * each (re)connection replays the whole current state first, so a `message_update` whose `id`
 * is already known *replaces* that message — upsert by id (or use `conversation()`).
 *
 * @example
 * for await (const event of agentEvents(transport, id, { signal })) {
 *   if (event.type === 'message_update') messages.set(event.data.id, event.data)
 * }
 */
export async function* agentEvents(
  transport: Transport,
  sessionId: string,
  options: EventsOptions = {},
): AsyncGenerator<AgentEvent, void, undefined> {
  const { signal } = options
  const policy = options.reconnect === false ? undefined : options.reconnect
  let opened = false
  let failures = 0
  while (!signal?.aborted) {
    let reason: unknown = new StreamEnded(`The event stream of session ${sessionId} ended`)
    let received = false
    try {
      const response = await transport.send('GET', `${segment(sessionId)}/events`, {
        headers: { accept: 'text/event-stream' },
        retry: 0,
        ...(signal ? { signal } : {}),
      })
      options.onOpen?.(opened)
      opened = true
      for await (const message of readEventStream(response.body ?? emptyBody())) {
        const event = toAgentEvent(message)
        if (!event) continue
        received = true
        yield event
      }
    } catch (error) {
      if (signal?.aborted) return
      if (options.reconnect === false) throw error
      if (error instanceof ApiError && !RETRY_STATUSES.has(error.status)) throw error
      reason = error
    }
    if (options.reconnect === false) return
    failures = received ? 1 : failures + 1
    if (failures > (policy?.attempts ?? Number.POSITIVE_INFINITY)) throw reason
    const delay = backoff(failures, policy)
    options.onRetry?.(reason, failures, delay)
    await sleep(delay, signal)
  }
}

function toAgentEvent({ event, data }: ServerSentEvent): AgentEvent | undefined {
  if (event !== 'message_update' && event !== 'status_change' && event !== 'agent_error') return
  try {
    return { type: event, data: JSON.parse(data) } as AgentEvent
  } catch {
    return undefined // a torn or foreign line must not end the stream
  }
}

/**
 * The delay before reconnection number `attempt` (1-based): doubling from `delay`, capped at
 * `maxDelay`, with jitter so that many clients do not reconnect in step.
 *
 * @example
 * backoff(1) // 250–500 ms
 */
export function backoff(attempt: number, options: ReconnectOptions = {}): number {
  const base = options.delay ?? 500
  const ceiling = Math.min(options.maxDelay ?? 30_000, base * 2 ** (attempt - 1))
  return Math.round(ceiling * (0.5 + Math.random() / 2))
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** A body that ends at once, for a response without one. */
export function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() })
}
