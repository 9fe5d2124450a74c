import type { ArgsDef } from 'citty'
import { CliError } from '../cli-error.ts'
import type { ConnectionOptions } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'

/**
 * The options every client command takes: where the server is, who to be there, and `--json`.
 *
 * @example
 * defineCommand({ args: { ...globalOptions, id: { type: 'positional' } }, run })
 */
export const globalOptions = {
  url: {
    type: 'string',
    valueHint: 'URL',
    description: 'Server URL (env AGENTAPI_PROXY_URL; default http://127.0.0.1:8080)',
  },
  'api-key': {
    type: 'string',
    valueHint: 'KEY',
    description: 'API key, sent as X-API-Key (env AGENTAPI_PROXY_API_KEY)',
  },
  'api-key-header': {
    type: 'string',
    valueHint: 'NAME',
    description:
      "Header for --api-key, when the server's auth.static.header_name is not X-API-Key (env AGENTAPI_PROXY_API_KEY_HEADER)",
  },
  token: {
    type: 'string',
    valueHint: 'TOKEN',
    description: 'Bearer token: OAuth or GitHub (env AGENTAPI_PROXY_TOKEN)',
  },
  profile: {
    type: 'string',
    valueHint: 'NAME',
    description:
      'Profile of the config file to use (env AGENTAPI_PROXY_PROFILE; see agentapi-proxy profiles)',
  },
  json: { type: 'boolean', description: 'Print JSON (what the server answered) instead of text' },
} as const satisfies ArgsDef

/**
 * The global options as the commands take them.
 *
 * @example
 * connectionOf({ url: 'http://127.0.0.1:8080', 'api-key': undefined, token: undefined, json: true })
 */
export function connectionOf(args: {
  url?: string | undefined
  'api-key'?: string | undefined
  'api-key-header'?: string | undefined
  token?: string | undefined
  profile?: string | undefined
  json?: boolean | undefined
}): ConnectionOptions {
  return {
    url: args.url,
    apiKey: args['api-key'],
    apiKeyHeader: args['api-key-header'],
    token: args.token,
    profile: args.profile,
    json: args.json === true,
  }
}

/**
 * A whole number flag from 1 up, or undefined when it was not given.
 *
 * @example
 * count('20', '--limit') // 20
 */
export function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) {
    throw new CliError(
      `${flag} must be a whole number from 1, not "${value}"`,
      undefined,
      ExitCode.usage,
    )
  }
  return number
}

/**
 * The `<id>` argument of the commands about one session.
 *
 * @example
 * defineCommand({ args: { ...globalOptions, id: sessionId }, run })
 */
export const sessionId = {
  type: 'positional',
  required: true,
  description: 'Session id, or its first characters (as `list` shows them)',
} as const satisfies ArgsDef[string]
