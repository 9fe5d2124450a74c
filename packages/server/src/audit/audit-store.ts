import type { AuditAction, AuditEntry } from '@agentapi-proxy/shared'

/** What `GET /audit` asks a store for: ANDed filters, newest first, after a keyset position. */
export interface AuditFilter {
  user_id?: string
  action?: AuditAction
  /** Inclusive lower bound (ISO 8601, UTC). */
  since?: string
  /** Exclusive upper bound (ISO 8601, UTC). */
  until?: string
  limit: number
  /** The last entry of the previous page. */
  after?: { at: string; id: string }
}

/**
 * Where audit entries are kept: appended, never changed, read newest first. Memory, SQLite and
 * PostgreSQL behave alike (`audit-store.contract.ts`).
 */
export interface AuditStore {
  append(entry: AuditEntry): Promise<void>
  /** One page, newest first (by `at`, then `id`), `limit` at most. */
  list(filter: AuditFilter): Promise<AuditEntry[]>
  /** Deletes the entries from before `before` (ISO 8601, UTC); resolves with how many. */
  prune(before: string): Promise<number>
}

/**
 * Newest first, ties broken by id: the order every store pages in.
 *
 * @example
 * entries.sort(compareAuditNewestFirst)
 */
export function compareAuditNewestFirst(a: AuditEntry, b: AuditEntry): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** The reference store, used when persistence is off and by tests. */
export class MemoryAuditStore implements AuditStore {
  readonly #entries: AuditEntry[] = []

  async append(entry: AuditEntry): Promise<void> {
    if (this.#entries.some((kept) => kept.id === entry.id)) {
      throw new Error(`audit entry ${entry.id} exists`)
    }
    this.#entries.push({ ...entry })
  }

  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const { after } = filter
    return this.#entries
      .filter(
        (entry) =>
          (filter.user_id === undefined || entry.user_id === filter.user_id) &&
          (filter.action === undefined || entry.action === filter.action) &&
          (filter.since === undefined || entry.at >= filter.since) &&
          (filter.until === undefined || entry.at < filter.until) &&
          (after === undefined || compareAuditNewestFirst(entry, { ...entry, ...after }) > 0),
      )
      .sort(compareAuditNewestFirst)
      .slice(0, filter.limit)
      .map((entry) => ({ ...entry }))
  }

  async prune(before: string): Promise<number> {
    const kept = this.#entries.filter((entry) => entry.at >= before)
    const pruned = this.#entries.length - kept.length
    this.#entries.splice(0, this.#entries.length, ...kept)
    return pruned
  }
}
