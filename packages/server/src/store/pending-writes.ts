import type { Logger } from '../logger.ts'
import type { SessionRecord } from './session-record.ts'

type Patch = Partial<SessionRecord>

/** Options for {@link PendingWrites}. */
export interface PendingWritesOptions {
  /** Writes one session's patch; rejects when the store refuses it. */
  write(sessionId: string, patch: Patch): Promise<SessionRecord | null>
  logger: Logger
  /** Told when the store starts and stops refusing writes. */
  onFailing?: (failing: boolean) => void
  minBackoffMs?: number
  maxBackoffMs?: number
}

/**
 * Session updates on their way to the store, written in order by one writer. A patch the store
 * refuses is kept, merged under any newer patch of the same session, and retried with
 * exponential backoff: until the store accepts it, the in-memory copy is the truth, and reads
 * see it through {@link PendingWrites.overlay}. Nothing here ever rejects, because nothing a
 * caller could do about a full disk or a dropped connection beats waiting and retrying.
 */
export class PendingWrites {
  readonly #options: PendingWritesOptions
  readonly #queue = new Map<string, Patch>()
  readonly #waiters = new Map<string, ((row: SessionRecord | null) => void)[]>()
  #inFlight: { sessionId: string; patch: Patch } | null = null
  #draining: Promise<void> | null = null
  #failure: unknown = null
  #backoffMs: number
  #wake: (() => void) | null = null
  #closed = false

  constructor(options: PendingWritesOptions) {
    this.#options = options
    this.#backoffMs = options.minBackoffMs ?? 200
  }

  /** Why the last write (or probe) was refused; null while the store accepts writes. */
  get failure(): unknown {
    return this.#failure
  }

  /** Patches not yet written, counting the one being written. */
  get size(): number {
    return this.#queue.size + (this.#inFlight ? 1 : 0)
  }

  /**
   * Queues `patch`. Resolves with the stored row once it is written, or with null as soon as
   * it is kept for a retry (at once while the store is failing: nobody should wait on it).
   */
  enqueue(sessionId: string, patch: Patch): Promise<SessionRecord | null> {
    this.#queue.set(sessionId, { ...this.#queue.get(sessionId), ...patch })
    const settled =
      this.#failure === null && !this.#closed
        ? new Promise<SessionRecord | null>((resolve) => {
            const list = this.#waiters.get(sessionId) ?? []
            list.push(resolve)
            this.#waiters.set(sessionId, list)
          })
        : Promise.resolve(null)
    if (!this.#draining && !this.#closed) this.#draining = this.#drain()
    return settled
  }

  /** What is still to be written for `sessionId`, newest values winning. */
  overlay(sessionId: string): Patch | undefined {
    const inFlight = this.#inFlight?.sessionId === sessionId ? this.#inFlight.patch : undefined
    const queued = this.#queue.get(sessionId)
    return inFlight || queued ? { ...inFlight, ...queued } : undefined
  }

  /** Records the outcome of a write made elsewhere (an insert, a probe). */
  observe(error: unknown): void {
    if (error === null) {
      if (this.size === 0) this.#recovered()
    } else this.#refused(error)
  }

  /** Retries at once and waits up to `timeoutMs` for the queue to empty; then stops writing. */
  async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.size > 0 && Date.now() < deadline) {
      this.#wake?.()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    this.#closed = true
    this.#wake?.()
    if (this.size > 0) {
      this.#options.logger.error(
        { sessions: [...this.#queue.keys()], err: this.#failure },
        'stopped with session updates the store never accepted',
      )
    }
  }

  async #drain(): Promise<void> {
    while (this.#queue.size > 0 && !this.#closed) {
      const [sessionId, patch] = this.#queue.entries().next().value as [string, Patch]
      this.#queue.delete(sessionId)
      const waiters = this.#waiters.get(sessionId) ?? []
      this.#waiters.delete(sessionId)
      this.#inFlight = { sessionId, patch }
      try {
        const row = await this.#options.write(sessionId, patch)
        this.#inFlight = null
        this.#recovered()
        for (const resolve of waiters) resolve(row)
      } catch (error) {
        this.#inFlight = null
        this.#queue.set(sessionId, { ...patch, ...this.#queue.get(sessionId) })
        this.#refused(error)
        for (const resolve of [...waiters, ...[...this.#waiters.values()].flat()]) resolve(null)
        this.#waiters.clear()
        await this.#sleep(this.#backoffMs)
        this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 2_000)
      }
    }
    this.#draining = null
  }

  #refused(error: unknown): void {
    const first = this.#failure === null
    this.#failure = error
    if (!first) return
    this.#options.logger.error(
      { err: error, pending: this.size },
      'the session store refused a write; keeping it in memory and retrying',
    )
    this.#options.onFailing?.(true)
  }

  #recovered(): void {
    this.#backoffMs = this.#options.minBackoffMs ?? 200
    if (this.#failure === null) return
    this.#failure = null
    this.#options.logger.info({ pending: this.size }, 'the session store accepts writes again')
    this.#options.onFailing?.(false)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake = null
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake = done
    })
  }
}
