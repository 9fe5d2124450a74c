import type { ShareStore } from './share-store.ts'

// How often a replica asks the store whether the links it holds streams for still work: a
// revocation made on another replica ends those streams within this (plus one query).
const DEFAULT_CHECK_MS = 500

/** What {@link OpenLinks} needs. */
export interface OpenLinksOptions {
  store: Pick<ShareStore, 'stillActive'>
  /** Ends every open exchange of these share ids (the stream registry's revoke). */
  cut(shareIds: readonly string[]): void
  /** Where a failed check is reported; the next one tries again. */
  onError?(error: unknown): void
  checkMs?: number
  clock?: () => number
}

/**
 * The share links this replica holds exchanges open for, and how many viewers each has (its
 * open `/events` streams). While any is open, the store is asked every half second which of them
 * still work, so a link revoked on another replica stops streaming here too; a revocation on this
 * replica cuts at once through the stream registry.
 *
 * @example
 * const links = new OpenLinks({ store, cut: (ids) => streams.revoke(ids.map(shareCredentialId)) })
 * const release = links.open('shr_…', true)
 * links.viewers('shr_…') // 1
 */
export class OpenLinks {
  readonly #open = new Map<string, { exchanges: number; viewers: number }>()
  readonly #options: OpenLinksOptions
  #timer: NodeJS.Timeout | undefined
  #checking = false

  constructor(options: OpenLinksOptions) {
    this.#options = options
  }

  /** Counts an exchange through a link until the returned function is called. */
  open(shareId: string, viewer: boolean): () => void {
    const entry = this.#open.get(shareId) ?? { exchanges: 0, viewers: 0 }
    entry.exchanges++
    if (viewer) entry.viewers++
    this.#open.set(shareId, entry)
    this.#timer ??= setInterval(() => void this.#check(), this.#options.checkMs ?? DEFAULT_CHECK_MS)
    // Open streams must not keep the process alive at shutdown.
    this.#timer.unref()
    let released = false
    return () => {
      if (released) return
      released = true
      entry.exchanges--
      if (viewer) entry.viewers--
      if (entry.exchanges === 0) this.#open.delete(shareId)
      if (this.#open.size === 0) this.#stop()
    }
  }

  /** Open event streams through the link on this replica. */
  viewers(shareId: string): number {
    return this.#open.get(shareId)?.viewers ?? 0
  }

  /** Stops checking (server shutdown). */
  close(): void {
    this.#stop()
  }

  #stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  async #check(): Promise<void> {
    if (this.#checking || this.#open.size === 0) return
    this.#checking = true
    try {
      const ids = [...this.#open.keys()]
      const now = new Date((this.#options.clock ?? Date.now)()).toISOString()
      const active = new Set(await this.#options.store.stillActive(ids, now))
      const gone = ids.filter((id) => !active.has(id))
      if (gone.length > 0) this.#options.cut(gone)
    } catch (error) {
      this.#options.onError?.(error)
    } finally {
      this.#checking = false
    }
  }
}
