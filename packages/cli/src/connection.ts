import { type Client, createClient } from '@agentapi-proxy/client'
import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'
import { type Profile, profileName, readProfileConfig } from './profile-file.ts'
import { refreshingFetch } from './profile-refresh.ts'

/**
 * Where the default server listens (`agentapi-proxy server` with no flags).
 *
 * @example
 * connect({ url: DEFAULT_URL })
 */
export const DEFAULT_URL = 'http://127.0.0.1:8080'

/**
 * The global options of every client command; unset ones come from the environment.
 *
 * @example
 * const options: ConnectionOptions = { url: 'http://127.0.0.1:8080', apiKey: 'ap_…' }
 */
export interface ConnectionOptions {
  /** `--url`, else `AGENTAPI_PROXY_URL`, else {@link DEFAULT_URL}. */
  url?: string | undefined
  /** `--api-key`, else `AGENTAPI_PROXY_API_KEY`. */
  apiKey?: string | undefined
  /** `--api-key-header`, else `AGENTAPI_PROXY_API_KEY_HEADER`, else `X-API-Key`. */
  apiKeyHeader?: string | undefined
  /** `--token`, else `AGENTAPI_PROXY_TOKEN`. */
  token?: string | undefined
  /** `--profile`, else `AGENTAPI_PROXY_PROFILE`, else the config file's default profile. */
  profile?: string | undefined
  /** `--json`: print what the server answered instead of text. */
  json?: boolean | undefined
}

/**
 * A client for the server the options name, and that server's URL for messages.
 *
 * @example
 * const { client, url } = connect({ url: 'http://127.0.0.1:8080' })
 */
export interface Connection {
  client: Client
  /** The base URL as the user wrote it, without a trailing slash. */
  url: string
  apiKey: string | undefined
  /** The header `apiKey` goes in; undefined: the client's default, `X-API-Key`. */
  apiKeyHeader?: string | undefined
  token: string | undefined
  /** The profile whose credential is used, if one is. */
  profile: string | undefined
}

/**
 * Resolves the global options against the environment (the only place the CLI's client
 * commands read it) and the profile, and builds a client. Each setting comes from its flag,
 * else its environment variable, else the profile, else the default. A profile's credential is
 * sent only to the profile's own URL, and only when no flag or variable names a credential.
 *
 * @example
 * const { client } = connect({ apiKey: 'ap_…' }, process.env)
 * await client.search()
 */
export function connect(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const { name, profile } = selectProfile(options.profile, env)
  const url = checkedUrl(options.url || env.AGENTAPI_PROXY_URL || profile?.url || DEFAULT_URL)
  const given = {
    apiKey: options.apiKey || env.AGENTAPI_PROXY_API_KEY || undefined,
    token: options.token || env.AGENTAPI_PROXY_TOKEN || undefined,
  }
  const own = profile && trimmed(profile.url) === url && !given.apiKey && !given.token
  const apiKey = own ? profile.api_key : given.apiKey
  const token = own ? profile.token : given.token
  const apiKeyHeader =
    options.apiKeyHeader ||
    env.AGENTAPI_PROXY_API_KEY_HEADER ||
    (own ? profile.api_key_header : undefined) ||
    undefined
  const refreshing = own ? refreshingFetch(name, profile, env) : undefined
  const client = createClient({
    baseUrl: url,
    ...(apiKey ? { apiKey } : {}),
    ...(apiKeyHeader ? { apiKeyHeader } : {}),
    ...(token ? { token } : {}),
    ...(refreshing ? { fetch: refreshing } : {}),
    // One quick retry: a person is waiting, and an unreachable server should say so promptly.
    retry: { limit: 1 },
  })
  return { client, url, apiKey, apiKeyHeader, token, profile: own ? name : undefined }
}

/**
 * The profile the options and environment select. A profile named on purpose (`--profile`,
 * `AGENTAPI_PROXY_PROFILE`) must exist; the default one may not.
 *
 * @example
 * selectProfile('work', process.env).profile?.url
 */
export function selectProfile(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { name: string; profile: Profile | undefined } {
  const config = readProfileConfig(env)
  const name = profileName(flag, env, config)
  const profile = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined
  if (!profile && (flag || env.AGENTAPI_PROXY_PROFILE)) {
    const known = Object.keys(config.profiles)
    throw new CliError(
      `no profile named ${name}`,
      known.length > 0
        ? `known profiles: ${known.join(', ')} (agentapi-proxy profiles)`
        : `create it with agentapi-proxy login --profile ${name}`,
      ExitCode.usage,
    )
  }
  return { name, profile }
}

/**
 * A server URL without its trailing slashes, or a usage error.
 *
 * @example
 * checkedUrl('http://127.0.0.1:8080/') // 'http://127.0.0.1:8080'
 */
export function checkedUrl(value: string): string {
  const url = trimmed(value)
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
    throw new CliError(
      `--url must be an http(s) URL, not "${url}"`,
      'e.g. --url http://127.0.0.1:8080 (or set AGENTAPI_PROXY_URL)',
      ExitCode.usage,
    )
  }
  return url
}

function trimmed(url: string): string {
  return url.replace(/\/+$/, '')
}
