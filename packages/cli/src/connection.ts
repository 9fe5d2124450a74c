import { type Client, createClient } from '@agentapi-proxy/client'
import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'

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
}

/**
 * Resolves the global options against the environment (the only place the CLI's client
 * commands read it) and builds a client.
 *
 * @example
 * const { client } = connect({ apiKey: 'ap_…' }, process.env)
 * await client.search()
 */
export function connect(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const url = (options.url || env.AGENTAPI_PROXY_URL || DEFAULT_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
    throw new CliError(
      `--url must be an http(s) URL, not "${url}"`,
      'e.g. --url http://127.0.0.1:8080 (or set AGENTAPI_PROXY_URL)',
      ExitCode.usage,
    )
  }
  const apiKey = options.apiKey || env.AGENTAPI_PROXY_API_KEY || undefined
  const token = options.token || env.AGENTAPI_PROXY_TOKEN || undefined
  const apiKeyHeader = options.apiKeyHeader || env.AGENTAPI_PROXY_API_KEY_HEADER || undefined
  const client = createClient({
    baseUrl: url,
    ...(apiKey ? { apiKey } : {}),
    ...(apiKeyHeader ? { apiKeyHeader } : {}),
    ...(token ? { token } : {}),
    // One quick retry: a person is waiting, and an unreachable server should say so promptly.
    retry: { limit: 1 },
  })
  return { client, url, apiKey, apiKeyHeader, token }
}
