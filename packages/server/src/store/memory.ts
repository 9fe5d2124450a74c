import type { SessionStatus } from '@agentapi-proxy/shared'
import { compareNewestFirst, decodeCursor, encodeCursor } from './cursor.ts'
import { ENDED_STATUSES as ENDED, isLive, type SessionRecord } from './session-record.ts'
import type { SessionFilter, SessionPage, SessionStore } from './session-store.ts'

/**
 * Sessions in a Map: the reference implementation, the test double, and what runs when
 * persistence is off. Rows are copied in and out so callers can never mutate the store.
 */
export class MemorySessionStore implements SessionStore {
  #rows = new Map<string, SessionRecord>()

  async insert(record: SessionRecord): Promise<void> {
    this.#rows.set(record.session_id, structuredClone(record))
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const row = this.#rows.get(sessionId)
    return row ? structuredClone(row) : null
  }

  async update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionRecord | null> {
    const row = this.#rows.get(sessionId)
    if (!row) return null
    const updated = { ...row, ...structuredClone(patch), session_id: row.session_id }
    this.#rows.set(sessionId, updated)
    return structuredClone(updated)
  }

  async search(filter: SessionFilter): Promise<SessionPage> {
    const after = filter.cursor ? decodeCursor(filter.cursor) : null
    const matching = [...this.#rows.values()]
      .filter((row) => matches(row, filter))
      .filter((row) => !after || compareNewestFirst(after, row) < 0)
      .sort(compareNewestFirst)
    const page = matching.slice(0, filter.limit)
    const last = page.at(-1)
    const more = matching.length > filter.limit
    return {
      records: page.map((row) => structuredClone(row)),
      next_cursor: more && last ? encodeCursor(last) : null,
    }
  }

  async countLive(userId?: string): Promise<number> {
    let count = 0
    for (const row of this.#rows.values()) {
      if (isLive(row.status) && (userId === undefined || row.user_id === userId)) count++
    }
    return count
  }

  async listLive(): Promise<SessionRecord[]> {
    return [...this.#rows.values()]
      .filter((row) => isLive(row.status))
      .map((row) => structuredClone(row))
  }

  async listWithStatus(statuses: readonly SessionStatus[]): Promise<SessionRecord[]> {
    return [...this.#rows.values()]
      .filter((row) => statuses.includes(row.status))
      .sort(compareNewestFirst)
      .map((row) => structuredClone(row))
  }

  async prune(endedBefore: string): Promise<number> {
    let pruned = 0
    for (const [id, row] of this.#rows) {
      if (
        !(ENDED as readonly SessionStatus[]).includes(row.status) ||
        !row.stopped_at ||
        row.stopped_at >= endedBefore
      )
        continue
      this.#rows.delete(id)
      pruned++
    }
    return pruned
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

function matches(row: SessionRecord, filter: SessionFilter): boolean {
  if (filter.user_id !== undefined && row.user_id !== filter.user_id) return false
  if (filter.status !== undefined && row.status !== filter.status) return false
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    if (row.tags[key] !== value) return false
  }
  return true
}
