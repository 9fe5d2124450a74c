import type { Permission, Role } from '@agentapi-proxy/shared'
import type { Kysely } from 'kysely'
import type { ApiKeyListQuery, ApiKeyRow, ApiKeyStore } from '../auth/api-key-store.ts'
import type { ApiKeysTable, Database } from './database.ts'

const SHA256_HEX = /^[0-9a-f]{64}$/

/**
 * Refuses to store anything but a hex SHA-256 where a digest belongs. The services hash every
 * secret before it reaches a store; this keeps a future caller that forgot from writing a live
 * credential to disk, where it would outlive any fix.
 *
 * @example
 * assertDigest(row.hash, 'api_keys.hash')
 */
export function assertDigest(value: string, column: string): void {
  if (!SHA256_HEX.test(value)) {
    throw new Error(`${column} must be a hex SHA-256 digest, never the secret itself`)
  }
}

/**
 * Managed API keys in SQL (SQLite or PostgreSQL), behaving as {@link MemoryApiKeyStore}. The row
 * holds the key's digest and a short prefix, never the key. The store does not own `db`.
 *
 * @example
 * const keys = new ApiKeyService({ store: new SqlApiKeyStore(db) })
 */
export class SqlApiKeyStore implements ApiKeyStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insert(row: ApiKeyRow): Promise<void> {
    assertDigest(row.hash, 'api_keys.hash')
    await this.#db
      .insertInto('api_keys')
      .values({ ...row, permissions: JSON.stringify(row.permissions) })
      .execute()
  }

  async findById(id: string): Promise<ApiKeyRow | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && fromRow(row)
  }

  async findByHash(hash: string): Promise<ApiKeyRow | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst()
    return row && fromRow(row)
  }

  async list(options: ApiKeyListQuery = {}): Promise<ApiKeyRow[]> {
    let query = this.#db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null)
    if (options.user_id !== undefined) query = query.where('user_id', '=', options.user_id)
    const { after } = options
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', after.created_at),
          eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)]),
        ]),
      )
    }
    // Creation time, with the id to break ties the same way on every database ("C" collation
    // on PostgreSQL, so both compare by bytes as the memory store does).
    query = query.orderBy('created_at').orderBy('id')
    if (options.limit !== undefined) query = query.limit(options.limit)
    return (await query.execute()).map(fromRow)
  }

  async children(parentId: string): Promise<ApiKeyRow[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('created_by', '=', parentId)
      .where('revoked_at', 'is', null)
      .execute()
    return rows.map(fromRow)
  }

  async countActive(userId: string, now: string): Promise<number> {
    const { count } = await this.#db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow()
    return Number(count)
  }

  async touch(id: string, lastUsedAt: string): Promise<void> {
    await this.#db
      .updateTable('api_keys')
      .set({ last_used_at: lastUsedAt })
      .where('id', '=', id)
      .execute()
  }

  async revoke(id: string, revokedAt: string): Promise<boolean> {
    // The condition on revoked_at makes this a compare-and-set: of two racing revokes, one wins.
    const { numUpdatedRows } = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: revokedAt })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return numUpdatedRows > 0n
  }
}

function fromRow(row: ApiKeysTable): ApiKeyRow {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    user_id: row.user_id,
    role: row.role as Role,
    permissions: JSON.parse(row.permissions) as Permission[],
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
    created_by: row.created_by,
  }
}
