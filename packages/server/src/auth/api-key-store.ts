import type { Permission, Role } from '@agentapi-proxy/shared'

/**
 * One managed API key as stored: plain columns, so a SQL store maps it one to one. The secret
 * itself is never stored — only its SHA-256 (`hash`) and a short `prefix` to recognise it by.
 * Timestamps are ISO 8601 strings in UTC.
 */
export interface ApiKeyRow {
  id: string
  name: string
  prefix: string
  hash: string
  user_id: string
  role: Role
  permissions: Permission[]
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
  /**
   * The credential that minted it (`key_…`, `static:…`, `oauth-family:…`); null for keys made
   * before parents were recorded. Revoking the parent revokes the key.
   */
  created_by: string | null
}

/** A page of {@link ApiKeyStore.list}: oldest first, after a position, at most `limit` rows. */
export interface ApiKeyListQuery {
  /** One user's keys; everyone's when unset. */
  user_id?: string
  limit?: number
  /** Rows strictly after this one in (created_at, id) order. */
  after?: { created_at: string; id: string }
}

/**
 * Where managed API keys live. Small and async so SQLite and PostgreSQL stores can implement it;
 * {@link MemoryApiKeyStore} is the reference.
 *
 * @example
 * const store: ApiKeyStore = new MemoryApiKeyStore()
 * await store.insert(row)
 * const same = await store.findByHash(row.hash)
 */
export interface ApiKeyStore {
  insert(row: ApiKeyRow): Promise<void>
  findById(id: string): Promise<ApiKeyRow | undefined>
  /** The row whose `hash` equals this digest, revoked or not. */
  findByHash(hash: string): Promise<ApiKeyRow | undefined>
  /** Rows that are not revoked, oldest first (by created_at, then id). */
  list(query?: ApiKeyListQuery): Promise<ApiKeyRow[]>
  /** Rows that are not revoked and were minted by `parentId`. */
  children(parentId: string): Promise<ApiKeyRow[]>
  /** How many of the user's keys are neither revoked nor expired at `now` (ISO 8601). */
  countActive(userId: string, now: string): Promise<number>
  touch(id: string, lastUsedAt: string): Promise<void>
  /** Sets `revoked_at`; false when the row is missing or already revoked. */
  revoke(id: string, revokedAt: string): Promise<boolean>
}

/**
 * The in-memory {@link ApiKeyStore}: the default without persistence, and the test double.
 *
 * @example
 * const service = new ApiKeyService({ store: new MemoryApiKeyStore() })
 */
export class MemoryApiKeyStore implements ApiKeyStore {
  readonly #rows = new Map<string, ApiKeyRow>()

  async insert(row: ApiKeyRow): Promise<void> {
    if (this.#rows.has(row.id)) throw new Error(`API key ${row.id} already exists`)
    this.#rows.set(row.id, { ...row, permissions: [...row.permissions] })
  }

  async findById(id: string): Promise<ApiKeyRow | undefined> {
    return this.#copy(this.#rows.get(id))
  }

  async findByHash(hash: string): Promise<ApiKeyRow | undefined> {
    for (const row of this.#rows.values()) if (row.hash === hash) return this.#copy(row)
    return undefined
  }

  async list(query: ApiKeyListQuery = {}): Promise<ApiKeyRow[]> {
    const { user_id, after, limit = Number.POSITIVE_INFINITY } = query
    return [...this.#rows.values()]
      .filter(
        (row) => row.revoked_at === null && (user_id === undefined || row.user_id === user_id),
      )
      .sort(byCreation)
      .filter((row) => after === undefined || byCreation(row, after) > 0)
      .slice(0, limit)
      .map((row) => ({ ...row, permissions: [...row.permissions] }))
  }

  async children(parentId: string): Promise<ApiKeyRow[]> {
    return [...this.#rows.values()]
      .filter((row) => row.revoked_at === null && row.created_by === parentId)
      .map((row) => ({ ...row, permissions: [...row.permissions] }))
  }

  async countActive(userId: string, now: string): Promise<number> {
    let count = 0
    for (const row of this.#rows.values()) {
      const live = row.expires_at === null || row.expires_at > now
      if (row.user_id === userId && row.revoked_at === null && live) count++
    }
    return count
  }

  async touch(id: string, lastUsedAt: string): Promise<void> {
    const row = this.#rows.get(id)
    if (row) row.last_used_at = lastUsedAt
  }

  async revoke(id: string, revokedAt: string): Promise<boolean> {
    const row = this.#rows.get(id)
    if (!row || row.revoked_at !== null) return false
    row.revoked_at = revokedAt
    return true
  }

  // Callers get copies, as they would from a database, so they cannot change stored rows.
  #copy(row: ApiKeyRow | undefined): ApiKeyRow | undefined {
    return row && { ...row, permissions: [...row.permissions] }
  }
}

// Creation time, then id: the order SQL stores list in, so pages never overlap or skip.
function byCreation(
  a: Pick<ApiKeyRow, 'created_at' | 'id'>,
  b: Pick<ApiKeyRow, 'created_at' | 'id'>,
) {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
