import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'

/**
 * One named server and who to be there. A profile holds at most one credential: an API key, or
 * a bearer token (what `login` stores: the proxy's OAuth access token).
 *
 * @example
 * const work: Profile = { url: 'https://agents.example.com', token: 'aapo_…', user: 'ada' }
 */
export interface Profile {
  url: string
  api_key?: string
  /** With `api_key`: the header the server reads it from, when not X-API-Key. */
  api_key_header?: string
  token?: string
  /** When `token` stops working (an OAuth sign-in's access token). */
  expires_at?: string
  /** Trades for a new `token` once it has expired (`POST /oauth/refresh`), for 30 days. */
  refresh_token?: string
  /** Who the credential signs in as, for `profiles` and `whoami`. */
  user?: string
}

/**
 * The CLI's config file: its profiles and which one is used when none is named.
 *
 * @example
 * const file: ProfileConfig = { default_profile: 'work', profiles: { work: { url } } }
 */
export interface ProfileConfig {
  default_profile?: string
  profiles: Record<string, Profile>
}

/** The profile used when neither `--profile`, `AGENTAPI_PROXY_PROFILE` nor the file name one. */
export const DEFAULT_PROFILE = 'default'

/**
 * `$XDG_CONFIG_HOME/agentapi-proxy/config.json`, else `~/.config/agentapi-proxy/config.json`.
 *
 * @example
 * profileFilePath({ XDG_CONFIG_HOME: '/tmp/x' }) // '/tmp/x/agentapi-proxy/config.json'
 */
export function profileFilePath(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec: a relative value is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : undefined
  return join(xdg ?? join(env.HOME || homedir(), '.config'), 'agentapi-proxy', 'config.json')
}

/**
 * Reads the config file; a missing file is an empty one. A file that is not what this CLI
 * writes is an error naming the file, never a silent reset (it may hold credentials).
 *
 * @example
 * const { profiles } = readProfileConfig(process.env)
 */
export function readProfileConfig(env: NodeJS.ProcessEnv = process.env): ProfileConfig {
  const path = profileFilePath(env)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} }
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`)
  }
  const parsed = parseJson(text)
  if (!isConfig(parsed)) {
    throw new CliError(
      `${path} is not an agentapi-proxy config file ({"profiles": {"name": {"url": …}}})`,
      'fix or remove it, then run agentapi-proxy login again',
      ExitCode.usage,
    )
  }
  return parsed
}

/**
 * Writes the config file atomically (a temporary file beside it, then a rename), readable by
 * its owner only: mode 0600 in a 0700 directory, since it holds credentials.
 *
 * @example
 * writeProfileConfig({ profiles: { default: { url, token } } }, process.env)
 */
export function writeProfileConfig(config: ProfileConfig, env: NodeJS.ProcessEnv = process.env) {
  const path = profileFilePath(env)
  const dir = dirname(path)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  const temporary = join(dir, `.config.json.${randomBytes(6).toString('hex')}`)
  try {
    writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flush: true })
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`)
  }
}

/**
 * The name of the profile to use: `--profile`, else `AGENTAPI_PROXY_PROFILE`, else the file's
 * `default_profile`, else {@link DEFAULT_PROFILE}.
 *
 * @example
 * profileName(undefined, { AGENTAPI_PROXY_PROFILE: 'work' }, config) // 'work'
 */
export function profileName(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: ProfileConfig,
): string {
  return flag || env.AGENTAPI_PROXY_PROFILE || config.default_profile || DEFAULT_PROFILE
}

/**
 * Shows enough of a secret to tell two apart, never enough to use it.
 *
 * @example
 * maskSecret('aapo_3f9c0123456789abcdef') // 'aapo_3f…cdef'
 */
export function maskSecret(secret: string): string {
  if (secret.length < 16) return '…'
  const prefix = /^[a-z]+_/i.exec(secret)?.[0] ?? ''
  return `${secret.slice(0, prefix.length + 2)}…${secret.slice(-4)}`
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isConfig(value: unknown): value is ProfileConfig {
  if (typeof value !== 'object' || value === null) return false
  const { profiles, default_profile } = value as Record<string, unknown>
  if (default_profile !== undefined && typeof default_profile !== 'string') return false
  if (typeof profiles !== 'object' || profiles === null) return false
  return Object.values(profiles).every(
    (profile) =>
      typeof profile === 'object' &&
      profile !== null &&
      typeof (profile as Profile).url === 'string' &&
      ['api_key', 'api_key_header', 'token', 'expires_at', 'refresh_token', 'user'].every((key) =>
        ['undefined', 'string'].includes(typeof (profile as Record<string, unknown>)[key]),
      ),
  )
}
