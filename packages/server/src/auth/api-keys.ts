import { randomBytes } from 'node:crypto'
import type {
  ApiKey,
  ApiKeyList,
  CreateApiKeyRequest,
  CreatedApiKey,
  Permission,
  RevokedApiKey,
} from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'
import type { ApiKeyRow, ApiKeyStore } from './api-key-store.ts'
import { canAccess, hasPermission, isAdmin, type Principal } from './principal.ts'
import { createSecret, hashSecret, secretMatches } from './secret.ts'

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

// What an admin's key for someone else gets when the request names no permissions.
const DEFAULT_PERMISSIONS: Permission[] = [
  'session:create',
  'session:list',
  'session:delete',
  'session:access',
]

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
}

/**
 * Managed API keys: create (the secret is returned once), list (never a secret), revoke, and
 * authenticate. A user manages their own keys, an admin anyone's; someone else's key answers
 * 404 exactly like a missing one, so ids cannot be probed.
 *
 * @example
 * const keys = new ApiKeyService({ store: new MemoryApiKeyStore() })
 * const { key } = await keys.create(principal, { name: 'ci' })
 * const caller = await keys.authenticate(key)
 */
export class ApiKeyService {
  readonly #store: ApiKeyStore
  readonly #clock: () => number

  constructor(options: ApiKeyServiceOptions) {
    this.#store = options.store
    this.#clock = options.clock ?? Date.now
  }

  /** Creates a key for the caller (or, for an admin, for `user_id`); the only time `key` is shown. */
  async create(principal: Principal, request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const owner = request.user_id ?? principal.user_id
    if (owner !== principal.user_id && !isAdmin(principal)) {
      throw new AppError('forbidden', 'Only admins create API keys for other users')
    }
    const { role, permissions } = this.#grant(principal, owner, request)
    const now = this.#clock()
    if (request.expires_at && Date.parse(request.expires_at) <= now) {
      const message = 'Must be in the future'
      throw new AppError('invalid_request', `expires_at: ${message}`, {
        errors: [{ path: 'expires_at', message }],
      })
    }
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
      expires_at: request.expires_at ? new Date(request.expires_at).toISOString() : null,
      last_used_at: null,
      revoked_at: null,
    }
    await this.#store.insert(row)
    return { ...toApiKey(row), key }
  }

  /** The caller's keys; an admin sees everyone's, or one user's with `user_id`. */
  async list(principal: Principal, filter: { user_id?: string } = {}): Promise<ApiKeyList> {
    const wanted = filter.user_id ?? (isAdmin(principal) ? undefined : principal.user_id)
    if (wanted !== principal.user_id && !isAdmin(principal)) {
      throw new AppError('forbidden', "Only admins list other users' API keys")
    }
    const rows = await this.#store.list(wanted)
    return { api_keys: rows.map(toApiKey) }
  }

  /** Revokes a key at once. Missing, revoked and not-yours all answer the same 404. */
  async revoke(principal: Principal, id: string): Promise<RevokedApiKey> {
    const row = await this.#store.findById(id)
    const visible = row && row.revoked_at === null && canAccess(principal, row.user_id)
    if (!visible || !(await this.#store.revoke(id, new Date(this.#clock()).toISOString()))) {
      throw new AppError('not_found', `No API key ${id}`)
    }
    return { id, status: 'revoked' }
  }

  /**
   * The principal a managed key stands for; undefined when it is not one of ours. Throws
   * `unauthorized` for a revoked key and `credentials_expired` for an expired one.
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
    if (row.last_used_at === null || now - Date.parse(row.last_used_at) >= TOUCH_INTERVAL_MS) {
      await this.#store.touch(row.id, new Date(now).toISOString())
    }
    return {
      user_id: row.user_id,
      role: row.role,
      permissions: row.permissions,
      auth_type: 'api_key',
    }
  }

  // A key never carries more than its creator holds: non-admins get their own role and at most
  // their own permissions, or anyone could mint themselves an admin key.
  #grant(principal: Principal, owner: string, request: CreateApiKeyRequest) {
    const forSelf = owner === principal.user_id
    const role = request.role ?? (forSelf ? principal.role : 'member')
    const permissions = [
      ...new Set(request.permissions ?? (forSelf ? principal.permissions : DEFAULT_PERMISSIONS)),
    ]
    if (isAdmin(principal)) return { role, permissions }
    if (role !== principal.role) {
      throw new AppError('forbidden', `Your keys get your own role (${principal.role})`)
    }
    const beyond = permissions.filter((permission) => !hasPermission(principal, permission))
    if (beyond.length > 0) {
      throw new AppError('forbidden', `You cannot grant permissions you lack: ${beyond.join(', ')}`)
    }
    return { role, permissions }
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
