import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Permission, Role } from '@agentapi-proxy/shared'
import { z } from 'zod'
import { ConfigError } from '../config/load.ts'
import { type Config, ConfigSchema } from '../config/schema.ts'
import { AppError } from '../errors.ts'
import { errnoCode } from '../startup/startup-error.ts'
import { fieldIssues } from '../validation.ts'
import type { Principal } from './principal.ts'
import { hashSecret, secretMatches } from './secret.ts'

type StaticConfig = Config['auth']['static']
type StaticKeyConfig = StaticConfig['api_keys'][number]

// The keys file holds exactly what `auth.static.api_keys` holds: borrow that schema rather than
// keep a second copy that could drift.
const KeysFileSchema = z.strictObject({
  api_keys: ConfigSchema.shape.auth.unwrap().shape.static.unwrap().shape.api_keys,
})

/** A configured key as held in memory: its digest, never the key. */
export interface StaticKeyEntry {
  hash: string
  user_id: string
  role: Role
  permissions: Permission[]
  expires_at: string | null
}

/** Where {@link loadStaticKeys} resolves a relative `keys_file`, and the clock for expiry. */
export interface StaticKeysOptions {
  cwd?: string
  clock?: () => number
}

/**
 * The static API keys of `auth.static.api_keys` and `auth.static.keys_file`, held only as
 * SHA-256 digests and compared in constant time.
 *
 * @example
 * const keys = await loadStaticKeys(config.auth.static)
 * const caller = keys.authenticate(presented) // Principal | undefined
 */
export class StaticKeys {
  readonly #entries: readonly StaticKeyEntry[]
  readonly #clock: () => number

  constructor(entries: readonly StaticKeyEntry[], clock: () => number = Date.now) {
    this.#entries = entries
    this.#clock = clock
  }

  /** How many keys are configured (for the start-up banner). */
  get size(): number {
    return this.#entries.length
  }

  /** The key's principal, or undefined when no configured key matches. */
  authenticate(key: string): Principal | undefined {
    // Every entry is compared, so the time taken says nothing about which one matched.
    let match: StaticKeyEntry | undefined
    for (const entry of this.#entries) {
      if (secretMatches(key, entry.hash) && !match) match = entry
    }
    if (!match) return undefined
    if (match.expires_at !== null && Date.parse(match.expires_at) <= this.#clock()) {
      throw new AppError(
        'credentials_expired',
        `This API key expired at ${match.expires_at}; ask an admin for a new one`,
      )
    }
    const { user_id, role, permissions, expires_at } = match
    const id = staticKeyId(match.hash)
    const credential = { ids: [id], expires_at, minter_id: id, minter_expires_at: expires_at }
    return { user_id, role, permissions, auth_type: 'api_key', credential }
  }

  /**
   * The configured key behind a `static:` id, expired or not; undefined once it is no longer
   * configured. A managed key minted with it checks this at every use: config has no revoke
   * event, so removing a key from it (or letting it expire) is its revocation.
   */
  lookup(id: string): StaticKeyEntry | undefined {
    return this.#entries.find((candidate) => staticKeyId(candidate.hash) === id)
  }
}

/**
 * A configured key's id: a prefix of its digest (96 bits), stable across restarts and never
 * the key itself.
 *
 * @example
 * staticKeyId(hashSecret('my-static-key')) // 'static:5d41402abc4b2a76b9719d91'
 */
export function staticKeyId(hash: string): string {
  return `static:${hash.slice(0, 24)}`
}

/**
 * Reads the configured keys and the keys file (JSON `{"api_keys": [...]}`, same fields as the
 * config) once at start-up. A bad file is a {@link ConfigError} naming each bad field.
 *
 * @example
 * const keys = await loadStaticKeys({ ...config.auth.static, keys_file: 'keys.json' }, { cwd })
 */
export async function loadStaticKeys(
  config: StaticConfig,
  options: StaticKeysOptions = {},
): Promise<StaticKeys> {
  if (!config.enabled) return new StaticKeys([], options.clock)
  const configured = config.api_keys.map((key, i) => ({ key, path: `auth.static.api_keys.${i}` }))
  const file = config.keys_file ? resolve(options.cwd ?? process.cwd(), config.keys_file) : null
  const fromFile = file ? await readKeysFile(file) : []
  const all = [...configured, ...fromFile.map((key, i) => ({ key, path: `api_keys.${i}` }))]
  const seen = new Set<string>()
  const entries = all.map(({ key, path }) => {
    const entry = toEntry(key)
    if (seen.has(entry.hash)) {
      const issue = { path: `${path}.key`, message: 'The same key is configured twice' }
      throw new ConfigError(path.startsWith('auth.') ? null : file, [issue])
    }
    seen.add(entry.hash)
    return entry
  })
  return new StaticKeys(entries, options.clock)
}

const KEYS_FILE_HINT = 'point auth.static.keys_file at a readable JSON file of {"api_keys": [...]}'

async function readKeysFile(file: string): Promise<StaticKeyConfig[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = errnoCode(error)
    const message =
      code === 'ENOENT'
        ? 'keys file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a keys file'
          : `keys file not readable (${code ?? 'unknown error'})`
    throw new ConfigError(file, [{ path: '', message }], KEYS_FILE_HINT)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    // V8's message quotes the text around the error, which may be a key: never repeat it.
    throw new ConfigError(file, [{ path: '', message: 'not valid JSON' }])
  }
  const parsed = KeysFileSchema.safeParse(raw)
  if (!parsed.success) throw new ConfigError(file, fieldIssues(parsed.error))
  return parsed.data.api_keys
}

function toEntry(key: StaticKeyConfig): StaticKeyEntry {
  return {
    hash: hashSecret(key.key),
    user_id: key.user_id,
    role: key.role,
    permissions: key.permissions,
    expires_at: key.expires_at ? new Date(key.expires_at).toISOString() : null,
  }
}
