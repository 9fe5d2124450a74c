import type { Permission, Role } from '@agentapi-proxy/shared'

/** A pending sign-in: the `state` sent to GitHub (as its SHA-256) and where it should return. */
export interface OAuthStateRow {
  state_hash: string
  redirect_uri: string
  created_at: string
  expires_at: string
}

/**
 * Pending OAuth states. `take` removes what it returns, so a state works exactly once even when
 * two callbacks race.
 *
 * @example
 * await states.put(row)
 * const row = await states.take(hashSecret(state)) // undefined the second time
 */
export interface OAuthStateStore {
  put(row: OAuthStateRow): Promise<void>
  take(stateHash: string): Promise<OAuthStateRow | undefined>
}

/**
 * One signed-in session: the proxy's access and refresh tokens (as SHA-256 digests), who they
 * stand for, and the GitHub token behind them. `family_id` is shared by every pair a refresh
 * chain produced, so logout and refresh-token reuse can revoke the whole chain at once.
 * `github_token` never leaves the server; a persistent store must encrypt it at rest.
 */
export interface OAuthTokenRow {
  id: string
  family_id: string
  access_hash: string
  refresh_hash: string
  user_id: string
  login: string
  name: string | null
  role: Role
  permissions: Permission[]
  github_token: string
  created_at: string
  expires_at: string
  refresh_expires_at: string
  revoked_at: string | null
}

/**
 * Issued OAuth tokens. Small and async so SQL stores can implement it.
 *
 * @example
 * const row = await tokens.findByAccessHash(hashSecret(bearer))
 */
export interface OAuthTokenStore {
  insert(row: OAuthTokenRow): Promise<void>
  findByAccessHash(hash: string): Promise<OAuthTokenRow | undefined>
  findByRefreshHash(hash: string): Promise<OAuthTokenRow | undefined>
  /** Sets `revoked_at` unless already set; false then, so only one of two racing refreshes wins. */
  revoke(id: string, revokedAt: string): Promise<boolean>
  revokeFamily(familyId: string, revokedAt: string): Promise<void>
}

/**
 * The in-memory {@link OAuthStateStore}. Expired states are swept as new ones arrive.
 *
 * @example
 * const oauth = new OAuthService({ states: new MemoryOAuthStateStore(), … })
 */
export class MemoryOAuthStateStore implements OAuthStateStore {
  readonly #rows = new Map<string, OAuthStateRow>()

  async put(row: OAuthStateRow): Promise<void> {
    for (const [hash, old] of this.#rows)
      if (old.expires_at <= row.created_at) this.#rows.delete(hash)
    this.#rows.set(row.state_hash, { ...row })
  }

  async take(stateHash: string): Promise<OAuthStateRow | undefined> {
    const row = this.#rows.get(stateHash)
    this.#rows.delete(stateHash)
    return row
  }
}

/**
 * The in-memory {@link OAuthTokenStore}. Rows whose refresh token has expired are swept as new
 * ones arrive; revoked rows stay until then, so reuse of a rotated refresh token is noticed.
 *
 * @example
 * const oauth = new OAuthService({ tokens: new MemoryOAuthTokenStore(), … })
 */
export class MemoryOAuthTokenStore implements OAuthTokenStore {
  readonly #rows = new Map<string, OAuthTokenRow>()

  async insert(row: OAuthTokenRow): Promise<void> {
    for (const [id, old] of this.#rows) {
      if (old.refresh_expires_at <= row.created_at) this.#rows.delete(id)
    }
    this.#rows.set(row.id, { ...row, permissions: [...row.permissions] })
  }

  async findByAccessHash(hash: string): Promise<OAuthTokenRow | undefined> {
    return this.#find((row) => row.access_hash === hash)
  }

  async findByRefreshHash(hash: string): Promise<OAuthTokenRow | undefined> {
    return this.#find((row) => row.refresh_hash === hash)
  }

  async revoke(id: string, revokedAt: string): Promise<boolean> {
    const row = this.#rows.get(id)
    if (!row || row.revoked_at !== null) return false
    row.revoked_at = revokedAt
    return true
  }

  async revokeFamily(familyId: string, revokedAt: string): Promise<void> {
    for (const row of this.#rows.values()) {
      if (row.family_id === familyId && row.revoked_at === null) row.revoked_at = revokedAt
    }
  }

  #find(test: (row: OAuthTokenRow) => boolean): OAuthTokenRow | undefined {
    for (const row of this.#rows.values()) {
      if (test(row)) return { ...row, permissions: [...row.permissions] }
    }
    return undefined
  }
}
