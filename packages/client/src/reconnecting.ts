import { ApiError } from './api-error.ts'

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

// Statuses worth another try: the agent or the proxy may be back in a moment. Anything else
// (401, 403, 404: the session is gone, 501) would answer the same again.
export const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504])

/** Thrown to the retry logic when a stream ends cleanly; only surfaces if retries run out. */
export class StreamEnded extends Error {
  override name = 'StreamEnded'
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

/** How {@link reconnecting} behaves: the options both event iterators take. */
export interface ReconnectingOptions {
  /** Aborting it ends the iteration (without an error) and closes the stream. */
  signal?: AbortSignal | undefined
  /** `false`: a dropped stream ends the iteration and errors are thrown at once. */
  reconnect?: ReconnectOptions | false | undefined
  /** Called each time a stream opens. */
  onOpen?: ((reconnected: boolean) => void) | undefined
  /** Called before each reconnection with why the stream ended and how long it waits. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined
}

/**
 * Yields the items of one stream after another: `open()` is called again, after a backoff,
 * whenever a stream ends or fails with something worth another try, until `signal` aborts.
 * `ended` is the message of the error thrown when the attempts run out after clean ends. A
 * stream that yielded anything resets the count of attempts.
 *
 * @example
 * yield* reconnecting(() => openOneStream(), 'The event stream ended', { signal })
 */
export async function* reconnecting<T>(
  open: () => Promise<AsyncIterable<T>>,
  ended: string,
  options: ReconnectingOptions,
): AsyncGenerator<T, void, undefined> {
  const { signal } = options
  const policy = options.reconnect === false ? undefined : options.reconnect
  let opened = false
  let failures = 0
  while (!signal?.aborted) {
    let reason: unknown = new StreamEnded(ended)
    let received = false
    try {
      const items = await open()
      options.onOpen?.(opened)
      opened = true
      for await (const item of items) {
        received = true
        yield item
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

/**
 * The items `parse` makes of `messages`, skipping those it returns undefined for.
 *
 * @example
 * parsed(readEventStream(body), toAgentEvent)
 */
export async function* parsed<M, T>(
  messages: AsyncIterable<M>,
  parse: (message: M) => T | undefined,
): AsyncGenerator<T, void, undefined> {
  for await (const message of messages) {
    const item = parse(message)
    if (item !== undefined) yield item
  }
}
