import type { Permission, Role } from '@agentapi-proxy/shared'
import type { Kysely } from 'kysely'
import type {
  OAuthStateRow,
  OAuthStateStore,
  OAuthTokenRow,
  OAuthTokenStore,
} from '../auth/oauth-store.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Database, OAuthTokensTable } from './database.ts'
import { assertDigest } from './sql-api-keys.ts'

/**
 * Pending OAuth states in SQL, behaving as {@link MemoryOAuthStateStore}: keyed by the state's
 * digest, swept of expired rows as new ones arrive, and taken exactly once.
 *
 * @example
 * const oauth = new OAuthService({ states: new SqlOAuthStateStore(db), … })
 */
export class SqlOAuthStateStore implements OAuthStateStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async put(row: OAuthStateRow): Promise<void> {
    assertDigest(row.state_hash, 'oauth_states.state_hash')
    // Abandoned sign-ins would pile up forever otherwise; the sweep walks an index.
    await this.#db.deleteFrom('oauth_states').where('expires_at', '<=', row.created_at).execute()
    await this.#db
      .insertInto('oauth_states')
      .values(row)
      .onConflict((conflict) => conflict.column('state_hash').doUpdateSet(row))
      .execute()
  }

  async take(stateHash: string): Promise<OAuthStateRow | undefined> {
    // One DELETE … RETURNING reads and removes in a single statement, so when two callbacks race
    // (on two connections, or two replicas) only one of them gets the row.
    return this.#db
      .deleteFrom('oauth_states')
      .where('state_hash', '=', stateHash)
      .returningAll()
      .executeTakeFirst()
  }
}

/**
 * Issued OAuth tokens in SQL, behaving as {@link MemoryOAuthTokenStore}. Our own tokens are kept
 * as digests; GitHub's token is sealed with `box` before it is written and opened on read, so
 * neither a copy of the database nor a backup gives anyone a usable GitHub credential.
 *
 * @example
 * const oauth = new OAuthService({ tokens: new SqlOAuthTokenStore(db, box), … })
 */
export class SqlOAuthTokenStore implements OAuthTokenStore {
  readonly #db: Kysely<Database>
  readonly #box: SecretBox

  constructor(db: Kysely<Database>, box: SecretBox) {
    this.#db = db
    this.#box = box
  }

  async insert(row: OAuthTokenRow): Promise<void> {
    assertDigest(row.access_hash, 'oauth_tokens.access_hash')
    assertDigest(row.refresh_hash, 'oauth_tokens.refresh_hash')
    // As in memory: a row is kept (revoked or not) until its refresh token expires, so the reuse
    // of a rotated refresh token is still recognised; after that nothing can use it.
    await this.#db
      .deleteFrom('oauth_tokens')
      .where('refresh_expires_at', '<=', row.created_at)
      .execute()
    await this.#db
      .insertInto('oauth_tokens')
      .values({
        ...row,
        permissions: JSON.stringify(row.permissions),
        github_token: this.#box.seal(row.github_token),
      })
      .execute()
  }

  async findByAccessHash(hash: string): Promise<OAuthTokenRow | undefined> {
    const row = await this.#db
      .selectFrom('oauth_tokens')
      .selectAll()
      .where('access_hash', '=', hash)
      .executeTakeFirst()
    return row && this.#fromRow(row)
  }

  async findByRefreshHash(hash: string): Promise<OAuthTokenRow | undefined> {
    const row = await this.#db
      .selectFrom('oauth_tokens')
      .selectAll()
      .where('refresh_hash', '=', hash)
      .executeTakeFirst()
    return row && this.#fromRow(row)
  }

  async revoke(id: string, revokedAt: string): Promise<boolean> {
    // A compare-and-set in one statement: of two refreshes racing with one token, one wins.
    const { numUpdatedRows } = await this.#db
      .updateTable('oauth_tokens')
      .set({ revoked_at: revokedAt })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return numUpdatedRows > 0n
  }

  async revokeFamily(familyId: string, revokedAt: string): Promise<void> {
    await this.#db
      .updateTable('oauth_tokens')
      .set({ revoked_at: revokedAt })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute()
  }

  #fromRow(row: OAuthTokensTable): OAuthTokenRow {
    return {
      ...row,
      role: row.role as Role,
      permissions: JSON.parse(row.permissions) as Permission[],
      github_token: this.#box.open(row.github_token),
    }
  }
}
