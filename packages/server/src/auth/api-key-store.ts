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
  /** Rows that are not revoked, oldest first; of one user, or of everyone when unset. */
  list(userId?: string): Promise<ApiKeyRow[]>
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

  async list(userId?: string): Promise<ApiKeyRow[]> {
    return [...this.#rows.values()]
      .filter((row) => row.revoked_at === null && (userId === undefined || row.user_id === userId))
      .map((row) => ({ ...row, permissions: [...row.permissions] }))
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
