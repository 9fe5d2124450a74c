import type { AuditEntry } from '@agentapi-proxy/shared'
import type { Logger } from '../logger.ts'

/** Options for {@link KeptEntries}. */
export interface KeptEntriesOptions {
  append(entry: AuditEntry): Promise<void>
  logger: Logger
  /** How many entries are kept while the store refuses them; the oldest go first beyond. */
  max?: number
  minBackoffMs?: number
  maxBackoffMs?: number
}

/**
 * What every store's refusal of an entry id it already holds says (SQLite "UNIQUE constraint",
 * PostgreSQL "duplicate key", memory "exists"). A retry of an entry whose first write did land
 * (the answer was lost, not the row) meets its own primary key: that entry is stored.
 */
export const ALREADY_STORED = /unique|duplicate|exists/i

/**
 * Audit entries the store refused, retried in order with exponential backoff until it accepts
 * them. Each one is logged as kept when it is first refused, so an operator sees the outage; one
 * that cannot be kept (past `max`, or still here when the server stops) is logged whole at error
 * level, so it is never lost silently: the log holds it.
 */
export class KeptEntries {
  readonly #options: KeptEntriesOptions
  readonly #queue: AuditEntry[] = []
  #timer: NodeJS.Timeout | null = null
  #draining: Promise<boolean> | null = null
  #backoffMs: number
  #lost = 0

  constructor(options: KeptEntriesOptions) {
    this.#options = options
    this.#backoffMs = options.minBackoffMs ?? 500
  }

  /** Entries waiting for the store. */
  get size(): number {
    return this.#queue.length
  }

  /** Entries that were given up on (and logged at error level) since start. */
  get lost(): number {
    return this.#lost
  }

  keep(entry: AuditEntry, error: unknown): void {
    this.#options.logger.warn(
      { err: error, audit: entry, kept: this.#queue.length + 1 },
      'audit entry kept for retry: the store refused it',
    )
    this.#queue.push(entry)
    if (this.#queue.length > (this.#options.max ?? 10_000)) {
      this.#lose(this.#queue.shift() as AuditEntry, 'too many audit entries kept for retry')
    }
    this.#schedule()
  }

  /** Retries now until `timeoutMs` has passed; what is left is logged as lost. */
  async close(timeoutMs: number): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const deadline = Date.now() + timeoutMs
    while (this.#queue.length > 0 && Date.now() < deadline) {
      if (!(await this.#drain())) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    for (const entry of this.#queue.splice(0)) this.#lose(entry, 'server stopped')
  }

  #schedule(): void {
    if (this.#timer || this.#draining) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.#drain().then((done) => {
        if (done) this.#backoffMs = this.#options.minBackoffMs ?? 500
        else this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 30_000)
        if (this.#queue.length > 0) this.#schedule()
      })
    }, this.#backoffMs)
    this.#timer.unref()
  }

  /** Writes the kept entries oldest first; false at the first refusal. */
  #drain(): Promise<boolean> {
    const run = async () => {
      while (this.#queue.length > 0) {
        const entry = this.#queue[0] as AuditEntry
        try {
          await this.#options.append(entry)
        } catch (error) {
          if (!ALREADY_STORED.test(String((error as Error)?.message))) return false
        }
        this.#queue.shift()
        this.#options.logger.info({ audit_id: entry.id }, 'kept audit entry stored')
      }
      return true
    }
    this.#draining ??= run().finally(() => {
      this.#draining = null
    })
    return this.#draining
  }

  #lose(entry: AuditEntry, why: string): void {
    this.#lost++
    this.#options.logger.error({ audit: entry, why }, 'audit entry not stored')
  }
}
