import type { ChangeFeed } from '../store/change-feed.ts'
import type { SessionRecord } from '../store/session-record.ts'
import type { SessionStore } from '../store/session-store.ts'
import type { ProxyTarget } from './directory.ts'

// Sessions routed by this replica at once, agents of other replicas included; past it the
// oldest entries are read from the store again.
const MAX_ENTRIES = 10_000

interface Entry {
  target: ProxyTarget | undefined
}

/**
 * Where sessions this replica does not run are, as the store says: each is read once and kept
 * until the change feed says its row changed (any replica's NOTIFY, or this process's own
 * store). While the feed is unreliable (the listening connection is being re-opened) nothing
 * is kept: every lookup reads the store, so a missed change can never route to a stale agent.
 * Unknown ids are kept too (as undefined), so probing costs one read per id, not per request.
 */
export class RouteCache {
  readonly #store: SessionStore
  readonly #feed: ChangeFeed
  readonly #entries = new Map<string, Entry>()
  // Bumped by every change: a read that started before it must not fill the cache after it.
  #generation = 0
  readonly #unsubscribe: () => void

  constructor(store: SessionStore, feed: ChangeFeed) {
    this.#store = store
    this.#unsubscribe = feed.subscribe((change) => {
      this.#generation++
      if (change === '*') this.#entries.clear()
      else this.#entries.delete(change)
    })
    this.#feed = feed
  }

  async lookup(sessionId: string): Promise<ProxyTarget | undefined> {
    const hit = this.#entries.get(sessionId)
    if (hit) return hit.target
    const generation = this.#generation
    const record = await this.#store.get(sessionId)
    const target = record ? targetOf(record) : undefined
    if (this.#feed.reliable && generation === this.#generation) {
      this.#entries.set(sessionId, { target })
      if (this.#entries.size > MAX_ENTRIES) {
        const oldest = this.#entries.keys().next().value
        if (oldest !== undefined) this.#entries.delete(oldest)
      }
    }
    return target
  }

  /** Drops what is kept about a session this replica just changed. */
  forget(sessionId: string): void {
    this.#generation++
    this.#entries.delete(sessionId)
  }

  close(): void {
    this.#unsubscribe()
  }
}

/** A stored session as the forwarder needs it. */
export function targetOf(record: SessionRecord): ProxyTarget {
  return {
    url: record.agent_url,
    ownerId: record.user_id,
    status: record.status,
    secret: record.agent_secret,
    reason: record.error,
  }
}
