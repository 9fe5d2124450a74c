import type { SessionSharesTable } from '../store/database.ts'

/**
 * One share link as stored: plain columns, so a SQL store maps it one to one. The token itself
 * is never stored — only its SHA-256 (`hash`) and a short `prefix` to recognise it by.
 * Timestamps are ISO 8601 strings in UTC.
 */
export type ShareRow = SessionSharesTable

/**
 * Where share links live. Every replica reads the same rows, so a revocation written by one is
 * seen by all; {@link MemoryShareStore} is the reference.
 *
 * @example
 * const store: ShareStore = new MemoryShareStore()
 * await store.insert(row)
 * const same = await store.findByHash(row.hash)
 */
export interface ShareStore {
  insert(row: ShareRow): Promise<void>
  /** The row whose `hash` equals this digest, revoked or expired or not. */
  findByHash(hash: string): Promise<ShareRow | undefined>
  /** The session's rows neither revoked nor expired at `now`, oldest first (created_at, id). */
  listActive(sessionId: string, now: string): Promise<ShareRow[]>
  /** Sets `revoked_at` on one of the session's rows; false when missing or already revoked. */
  revoke(sessionId: string, id: string, revokedAt: string): Promise<boolean>
  /** Sets `revoked_at` on every unrevoked row of the session; the ids it revoked. */
  revokeAll(sessionId: string, revokedAt: string): Promise<string[]>
  /** Which of these ids are neither revoked nor expired at `now`. */
  stillActive(ids: readonly string[], now: string): Promise<string[]>
  /** Deletes the rows that expired at or before `before`; how many. */
  sweep(before: string): Promise<number>
}

/**
 * The in-memory {@link ShareStore}: the default without persistence, and the test double.
 *
 * @example
 * const shares = new ShareService({ store: new MemoryShareStore(), sessions, streams })
 */
export class MemoryShareStore implements ShareStore {
  readonly #rows = new Map<string, ShareRow>()

  async insert(row: ShareRow): Promise<void> {
    if (this.#rows.has(row.id)) throw new Error(`Share ${row.id} already exists`)
    // As the SQL stores' unique index: one token, one link.
    for (const other of this.#rows.values()) {
      if (other.hash === row.hash) throw new Error('A share with this token already exists')
    }
    this.#rows.set(row.id, { ...row })
  }

  async findByHash(hash: string): Promise<ShareRow | undefined> {
    for (const row of this.#rows.values()) if (row.hash === hash) return { ...row }
    return undefined
  }

  async listActive(sessionId: string, now: string): Promise<ShareRow[]> {
    return [...this.#rows.values()]
      .filter((row) => row.session_id === sessionId && isActive(row, now))
      .sort(byCreation)
      .map((row) => ({ ...row }))
  }

  async revoke(sessionId: string, id: string, revokedAt: string): Promise<boolean> {
    const row = this.#rows.get(id)
    if (!row || row.session_id !== sessionId || row.revoked_at !== null) return false
    row.revoked_at = revokedAt
    return true
  }

  async revokeAll(sessionId: string, revokedAt: string): Promise<string[]> {
    const revoked: string[] = []
    for (const row of this.#rows.values()) {
      if (row.session_id !== sessionId || row.revoked_at !== null) continue
      row.revoked_at = revokedAt
      revoked.push(row.id)
    }
    return revoked
  }

  async stillActive(ids: readonly string[], now: string): Promise<string[]> {
    return ids.filter((id) => {
      const row = this.#rows.get(id)
      return row !== undefined && isActive(row, now)
    })
  }

  async sweep(before: string): Promise<number> {
    let deleted = 0
    for (const [id, row] of this.#rows) {
      if (row.expires_at > before) continue
      this.#rows.delete(id)
      deleted++
    }
    return deleted
  }
}

function isActive(row: ShareRow, now: string): boolean {
  return row.revoked_at === null && row.expires_at > now
}

// Creation time, then id: the order SQL stores list in.
function byCreation(a: ShareRow, b: ShareRow): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
