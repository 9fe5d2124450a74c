import type { Kysely } from 'kysely'
import type { ShareRow, ShareStore } from '../shares/share-store.ts'
import type { Database } from './database.ts'
import { assertDigest } from './sql-api-keys.ts'

/**
 * Share links in SQL (SQLite or PostgreSQL), behaving as {@link MemoryShareStore}. The row holds
 * the token's digest and a short prefix, never the token. The store does not own `db`.
 *
 * @example
 * const shares = new ShareService({ store: new SqlShareStore(db), sessions, streams })
 */
export class SqlShareStore implements ShareStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insert(row: ShareRow): Promise<void> {
    assertDigest(row.hash, 'session_shares.hash')
    await this.#db.insertInto('session_shares').values(row).execute()
  }

  async findByHash(hash: string): Promise<ShareRow | undefined> {
    return this.#db
      .selectFrom('session_shares')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst()
  }

  async listActive(sessionId: string, now: string): Promise<ShareRow[]> {
    return this.#db
      .selectFrom('session_shares')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .orderBy('id')
      .execute()
  }

  async revoke(sessionId: string, id: string, revokedAt: string): Promise<boolean> {
    // The condition on revoked_at makes this a compare-and-set: of two racing revokes, one wins.
    const { numUpdatedRows } = await this.#db
      .updateTable('session_shares')
      .set({ revoked_at: revokedAt })
      .where('id', '=', id)
      .where('session_id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return numUpdatedRows > 0n
  }

  async revokeAll(sessionId: string, revokedAt: string): Promise<string[]> {
    const rows = await this.#db
      .updateTable('session_shares')
      .set({ revoked_at: revokedAt })
      .where('session_id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute()
    return rows.map((row) => row.id)
  }

  async stillActive(ids: readonly string[], now: string): Promise<string[]> {
    if (ids.length === 0) return []
    const rows = await this.#db
      .selectFrom('session_shares')
      .select('id')
      .where('id', 'in', [...ids])
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .execute()
    return rows.map((row) => row.id)
  }

  async sweep(before: string): Promise<number> {
    const { numDeletedRows } = await this.#db
      .deleteFrom('session_shares')
      .where('expires_at', '<=', before)
      .executeTakeFirst()
    return Number(numDeletedRows)
  }
}
