import type { SessionEvent, WaitEventsResponse } from '@agentapi-proxy/shared'
import type { Principal } from '../auth/principal.ts'
import type { Logger } from '../logger.ts'
import type { SessionStore } from '../store/session-store.ts'
import { EventSubscriber } from './event-subscriber.ts'

/** What the hub is built from (config `events`). */
export interface EventHubOptions {
  store: SessionStore
  logger: Logger
  /** Events older than this are pruned from the log (the replay window's age). */
  maxAgeMs: number
}

/** How many events one store read, one replay page or one long-poll answer carries at most. */
export const EVENT_PAGE = 500
// While the change feed may be missing notifications, the log is read this often instead.
const UNRELIABLE_POLL_MS = 1_000
const PRUNE_EVERY_MS = 60_000

/**
 * This replica's reader of the session event log: one store read per notification (from any
 * replica, through the change feed), fanned out in memory to every subscriber, so a thousand
 * open streams cost one query per change. Subscribers resume from an id by replaying the log.
 *
 * @example
 * const hub = await SessionEventHub.open({ store, logger, maxAgeMs: 3_600_000 })
 * const stop = hub.subscribe(principal, lastEventId, (events) => write(events))
 */
export class SessionEventHub {
  readonly #options: EventHubOptions
  readonly #subscribers = new Set<EventSubscriber>()
  readonly #timers: NodeJS.Timeout[] = []
  readonly #unsubscribe: Array<() => void> = []
  #latest = 0
  #pulling: Promise<void> | null = null
  #pullAgain = false

  private constructor(options: EventHubOptions) {
    this.#options = options
  }

  /** Starts at the log's current end and follows it. */
  static async open(options: EventHubOptions): Promise<SessionEventHub> {
    const hub = new SessionEventHub(options)
    hub.#latest = (await options.store.eventsAfter(0, 0)).latest_id
    const { changes } = options.store
    hub.#unsubscribe.push(
      changes.subscribeEvents(() => hub.pull()),
      // `*`: a reconnected feed may have missed notifications.
      changes.subscribe((change) => change === '*' && hub.pull()),
    )
    hub.#every(UNRELIABLE_POLL_MS, async () => {
      if (!changes.reliable) hub.pull()
    })
    hub.#every(PRUNE_EVERY_MS, () => hub.prune())
    return hub
  }

  /** The newest event this replica has read. */
  get latest(): number {
    return this.#latest
  }

  /** How many readers are open (streams and waits). */
  get size(): number {
    return this.#subscribers.size
  }

  /**
   * Sends `principal`'s events to `send`: after `after` when given (replayed from the log,
   * after a `reset` when it is older than the log), else from now. Returns what stops it.
   */
  subscribe(
    principal: Principal,
    after: number | undefined,
    send: (events: SessionEvent[]) => void,
    fail: () => void = () => {},
  ): () => void {
    const subscriber = new EventSubscriber(principal, after ?? this.#latest, send)
    this.#subscribers.add(subscriber)
    const stop = () => this.#subscribers.delete(subscriber)
    if (after === undefined) subscriber.goLive()
    else {
      this.#replay(subscriber, after).catch((error: unknown) => {
        this.#options.logger.warn({ err: error }, 'could not replay session events')
        stop()
        fail()
      })
    }
    return stop
  }

  /**
   * The long poll: the events after `after` (or now) that `principal` may see, at once when
   * there are some, else the first ones to come within `timeoutMs`, else none.
   */
  wait(principal: Principal, after: number | undefined, timeoutMs: number, signal?: AbortSignal) {
    return new Promise<WaitEventsResponse>((resolve) => {
      const got: SessionEvent[] = []
      let stop = () => {}
      const finish = () => {
        clearTimeout(timer)
        stop()
        signal?.removeEventListener('abort', finish)
        resolve({ events: got.slice(0, EVENT_PAGE), latest_id: latestOf(got, subscriber) })
      }
      const timer = setTimeout(finish, timeoutMs)
      signal?.addEventListener('abort', finish)
      const subscriber = new EventSubscriber(principal, after ?? this.#latest, (events) => {
        got.push(...events)
        // The rest of this batch arrives in the same turn; answer after it.
        queueMicrotask(finish)
      })
      this.#subscribers.add(subscriber)
      stop = () => this.#subscribers.delete(subscriber)
      if (after === undefined) subscriber.goLive()
      else this.#replay(subscriber, after, EVENT_PAGE).catch(() => finish())
    })
  }

  /** Reads what the log gained since the last read and hands it to every subscriber. */
  pull(): void {
    if (this.#pulling) {
      this.#pullAgain = true
      return
    }
    this.#pulling = this.#pullAll()
      .catch((error: unknown) => {
        this.#options.logger.warn({ err: error }, 'could not read session events')
      })
      .finally(() => {
        this.#pulling = null
        if (this.#pullAgain) {
          this.#pullAgain = false
          this.pull()
        }
      })
  }

  async #pullAll(): Promise<void> {
    for (;;) {
      const page = await this.#options.store.eventsAfter(this.#latest, EVENT_PAGE)
      const last = page.events.at(-1)
      if (!last) return
      this.#latest = last.id
      for (const subscriber of this.#subscribers) subscriber.receive(page.events)
      if (page.events.length < EVENT_PAGE) return
    }
  }

  /**
   * Replays the log after `after` to one subscriber, then lets its live events through. A
   * position the log no longer holds (pruned, or from another database) gets a `reset`.
   */
  async #replay(subscriber: EventSubscriber, after: number, max = Number.POSITIVE_INFINITY) {
    let position = after
    let sent = 0
    for (;;) {
      const page = await this.#options.store.eventsAfter(position, EVENT_PAGE)
      if (position === after && isLost(after, page)) {
        subscriber.replay([reset(after, page.latest_id)])
        subscriber.skipTo(page.latest_id)
        break
      }
      subscriber.replay(page.events)
      sent += page.events.length
      position = page.events.at(-1)?.id ?? position
      if (page.events.length < EVENT_PAGE || sent >= max) break
    }
    subscriber.goLive()
  }

  /** Drops events older than the window's age (the store keeps the window's count itself). */
  async prune(): Promise<number> {
    const before = new Date(Date.now() - this.#options.maxAgeMs).toISOString()
    return this.#options.store.pruneEvents(before)
  }

  /** Stops following the log; open subscribers get nothing more. */
  close(): void {
    for (const timer of this.#timers) clearInterval(timer)
    for (const stop of this.#unsubscribe) stop()
    this.#subscribers.clear()
  }

  #every(ms: number, work: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'session event upkeep failed'),
      )
    }, ms)
    timer.unref()
    this.#timers.push(timer)
  }
}

// Events after `after` were pruned (the log starts past the next one), or `after` is ahead of
// the log itself (another database, or one restored from an older backup).
function isLost(after: number, page: { first_id: number | null; latest_id: number }): boolean {
  if (after > page.latest_id) return true
  return page.first_id !== null && after < page.first_id - 1
}

function reset(after: number, latest: number): SessionEvent {
  return {
    id: latest,
    type: 'reset',
    at: new Date().toISOString(),
    reason: `Event ${after} is outside the replay window; reload the sessions and continue from ${latest}`,
  }
}

function latestOf(got: SessionEvent[], subscriber: EventSubscriber): number {
  if (got.length > EVENT_PAGE) return (got[EVENT_PAGE - 1] as SessionEvent).id
  return subscriber.position
}
