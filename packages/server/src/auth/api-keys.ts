import { randomBytes } from 'node:crypto'
import type {
  ApiKey,
  ApiKeyList,
  CreateApiKeyRequest,
  CreatedApiKey,
  RevokedApiKey,
} from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { decodeKeyCursor, encodeKeyCursor } from './api-key-cursor.ts'
import type { ApiKeyRow, ApiKeyStore } from './api-key-store.ts'
import type { CredentialEvents } from './credential-events.ts'
import { expiryFor, grantFor } from './key-grant.ts'
import { type Ancestor, descendants, lineage } from './key-lineage.ts'
import { canAccess, isAdmin, type Principal } from './principal.ts'
import { createSecret, hashSecret, secretMatches } from './secret.ts'
import type { StaticKeys } from './static-keys.ts'

/**
 * Every managed key starts with this, so the authenticator can route it without a lookup.
 *
 * @example
 * if (credential.startsWith(API_KEY_PREFIX)) await keys.authenticate(credential)
 */
export const API_KEY_PREFIX = 'aap_'

// How much of a key is kept in clear to recognise it in a list: the prefix and 8 of its 43
// random characters (48 of 256 bits), too few to help anyone guess the rest.
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8

// Writing last_used_at on every request would turn each read into a write; once a minute is
// precise enough to tell a used key from a forgotten one.
const TOUCH_INTERVAL_MS = 60_000

// Users are expected to hold a handful of keys; the cap stops a script from filling the table.
const DEFAULT_MAX_PER_USER = 100
const DEFAULT_PAGE = 100

/**
 * A new API key: `aap_` and 32 random bytes in base64url (256 bits).
 *
 * @example
 * generateApiKey() // 'aap_Q2h1bmt5IGJhY29u…'
 */
export function generateApiKey(): string {
  return createSecret(API_KEY_PREFIX)
}

/** What {@link ApiKeyService} works with. */
export interface ApiKeyServiceOptions {
  store: ApiKeyStore
  /** Milliseconds since the epoch; a fake clock in tests. */
  clock?: () => number
  /** The configured keys, which keys minted with them are checked against at every use. */
  staticKeys?: StaticKeys
  /** Where revocations are announced (and OAuth sign-outs heard, to revoke their keys). */
  events?: CredentialEvents
  /** Active (unrevoked, unexpired) keys one user may hold. Default 100. */
  maxPerUser?: number
  /** Where a failed cascade after an OAuth sign-out is reported. */
  logger?: Logger
}

/**
 * Managed API keys: create (the secret is returned once), list (never a secret), revoke, and
 * authenticate. A user manages their own keys, an admin anyone's; someone else's key answers
 * 404 exactly like a missing one, so ids cannot be probed. A key records the credential that
 * minted it and never outlives, out-permits or survives it.
 *
 * @example
 * const keys = new ApiKeyService({ store: new MemoryApiKeyStore() })
 * const { key } = await keys.create(principal, { name: 'ci' })
 * const caller = await keys.authenticate(key)
 */
export class ApiKeyService {
  readonly #store: ApiKeyStore
  readonly #clock: () => number
  readonly #options: ApiKeyServiceOptions

  constructor(options: ApiKeyServiceOptions) {
    this.#store = options.store
    this.#clock = options.clock ?? Date.now
    this.#options = options
    // A sign-out ends the sign-in; the keys it minted go with it.
    options.events?.subscribe(async (ids) => {
      for (const id of ids.filter((candidate) => candidate.startsWith('oauth-family:'))) {
        await this.#revokeMinted(id).catch((error: unknown) =>
          options.logger?.error({ err: error }, 'could not revoke the keys of a sign-in'),
        )
      }
    })
  }

  /** Creates a key for the caller (or, for an admin, for `user_id`); the only time `key` is shown. */
  async create(principal: Principal, request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const owner = request.user_id ?? principal.user_id
    if (owner !== principal.user_id && !isAdmin(principal)) {
      throw new AppError('forbidden', 'Only admins create API keys for other users')
    }
    const { role, permissions } = grantFor(principal, owner, request)
    const now = this.#clock()
    const expiresAt = expiryFor(principal, request.expires_at, now)
    await this.#checkCap(owner, now)
    const key = generateApiKey()
    const row: ApiKeyRow = {
      id: `key_${randomBytes(12).toString('base64url')}`,
      name: request.name,
      prefix: key.slice(0, SHOWN_LENGTH),
      hash: hashSecret(key),
      user_id: owner,
      role,
      permissions,
      created_at: new Date(now).toISOString(),
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
      created_by: principal.credential?.minter_id ?? null,
    }
    await this.#store.insert(row)
    return { ...toApiKey(row), key }
  }

  /** The caller's keys, one page; an admin sees everyone's, or one user's with `user_id`. */
  async list(
    principal: Principal,
    filter: { user_id?: string; limit?: number; cursor?: string } = {},
  ): Promise<ApiKeyList> {
    const wanted = filter.user_id ?? (isAdmin(principal) ? undefined : principal.user_id)
    if (wanted !== principal.user_id && !isAdmin(principal)) {
      throw new AppError('forbidden', "Only admins list other users' API keys")
    }
    const limit = filter.limit ?? DEFAULT_PAGE
    const rows = await this.#store.list({
      ...(wanted === undefined ? {} : { user_id: wanted }),
      ...(filter.cursor ? { after: decodeKeyCursor(filter.cursor) } : {}),
      // One more than asked tells whether another page follows without a second query.
      limit: limit + 1,
    })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const next_cursor = rows.length > limit && last ? encodeKeyCursor(last) : null
    return { api_keys: page.map(toApiKey), next_cursor }
  }

  /**
   * Revokes a key at once, with every key it minted (transitively), and tells the listeners so
   * open streams close. Missing, revoked and not-yours all answer the same 404.
   */
  async revoke(principal: Principal, id: string): Promise<RevokedApiKey> {
    const row = await this.#store.findById(id)
    const visible = row && row.revoked_at === null && canAccess(principal, row.user_id)
    if (!visible || !(await this.#store.revoke(id, new Date(this.#clock()).toISOString()))) {
      throw new AppError('not_found', `No API key ${id}`)
    }
    await this.#options.events?.revoked([id])
    await this.#revokeMinted(id)
    return { id, status: 'revoked' }
  }

  /**
   * The principal a managed key stands for; undefined when it is not one of ours. Throws
   * `unauthorized` for a revoked key (or one whose creator was revoked) and
   * `credentials_expired` for an expired one (or one whose creator expired).
   */
  async authenticate(key: string): Promise<Principal | undefined> {
    if (!key.startsWith(API_KEY_PREFIX)) return undefined
    // Rows are found by digest; timing can only tell an attacker about digests of keys they
    // already hold. The explicit constant-time check keeps that true for any store.
    const row = await this.#store.findByHash(hashSecret(key))
    if (!row || !secretMatches(key, row.hash)) return undefined
    if (row.revoked_at !== null) {
      throw new AppError('unauthorized', `This API key was revoked at ${row.revoked_at}`)
    }
    const now = this.#clock()
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now) {
      throw new AppError(
        'credentials_expired',
        `This API key expired at ${row.expires_at}; create a new one with POST /api-keys`,
      )
    }
    const line = await lineage(row, (id) => this.#ancestor(id), now)
    if (row.last_used_at === null || now - Date.parse(row.last_used_at) >= TOUCH_INTERVAL_MS) {
      await this.#store.touch(row.id, new Date(now).toISOString())
    }
    const { ids, role, permissions, expires_at } = line
    const credential = { ids, expires_at, minter_id: row.id, minter_expires_at: expires_at }
    return { user_id: row.user_id, role, permissions, auth_type: 'api_key', credential }
  }

  async #ancestor(id: string): Promise<Ancestor | undefined> {
    if (id.startsWith('static:')) {
      const entry = this.#options.staticKeys?.lookup(id)
      return entry && { ...entry, created_by: null }
    }
    // A sign-in's keys are revoked when it ends (see the constructor) and expire with it.
    if (id.startsWith('oauth-family:')) {
      return { created_by: null, role: 'admin', permissions: ['*'], expires_at: null }
    }
    const row = await this.#store.findById(id)
    return row && row.revoked_at === null ? row : undefined
  }

  async #revokeMinted(parentId: string): Promise<void> {
    const at = new Date(this.#clock()).toISOString()
    const revoked: string[] = []
    for (const child of await descendants(this.#store, parentId)) {
      if (await this.#store.revoke(child.id, at)) revoked.push(child.id)
    }
    await this.#options.events?.revoked(revoked)
  }

  async #checkCap(owner: string, now: number): Promise<void> {
    const max = this.#options.maxPerUser ?? DEFAULT_MAX_PER_USER
    if ((await this.#store.countActive(owner, new Date(now).toISOString())) < max) return
    // 422, not 429: waiting does not help, revoking a key does.
    const message = `${owner} already holds ${max} active API keys (auth.managed_keys.max_per_user); revoke one first`
    throw new AppError('invalid_request', message, { errors: [{ path: 'user_id', message }] })
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    user_id: row.user_id,
    role: row.role,
    permissions: row.permissions,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
  }
}
