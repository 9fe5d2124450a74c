import { defineCommand } from 'citty'
import { CliError } from '../cli-error.ts'
import { openApiCommand } from '../commands/openapi.ts'
import { ExitCode } from '../exit-codes.ts'
import { withExamples } from './examples.ts'
import { connectionOf, globalOptions } from './global-options.ts'

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CliError(
      `--port must be a number from 0 to 65535, not "${value}"`,
      undefined,
      ExitCode.usage,
    )
  }
  return port
}

/**
 * `agentapi-proxy server`.
 *
 * @example
 * defineCommand({ subCommands: { server } })
 */
export const server = withExamples(
  defineCommand({
    meta: { name: 'server', description: 'Run the proxy server' },
    args: {
      port: {
        type: 'string',
        alias: 'p',
        description: 'Port to listen on (default 8080; 0 picks one)',
      },
      host: { type: 'string', description: 'Address to listen on (default 127.0.0.1)' },
      config: {
        type: 'string',
        alias: 'c',
        valueHint: 'FILE',
        description: 'JSON or YAML config file (default ./config.json when present)',
      },
      verbose: { type: 'boolean', alias: 'v', description: 'Log debug lines too' },
    },
    // Imported when run: the server takes most of a second to load, which no client command needs.
    run: async ({ args }) =>
      (await import('../commands/server.ts')).serverCommand({
        port: parsePort(args.port),
        host: args.host,
        config: args.config,
        verbose: args.verbose,
      }),
  }),
  [
    'agentapi-proxy server',
    'agentapi-proxy server --port 9090 -c config.yaml',
    'agentapi-proxy server --host 0.0.0.0 -p 0 -v',
  ],
)

/**
 * `agentapi-proxy echo-agent`.
 *
 * @example
 * defineCommand({ subCommands: { 'echo-agent': echoAgent } })
 */
export const echoAgent = withExamples(
  defineCommand({
    meta: {
      name: 'echo-agent',
      description:
        'Run the built-in agentapi-compatible echo agent (same flags as `agentapi server`, e.g. --port 3284 --type claude)',
    },
    args: {
      port: { type: 'string', alias: 'p', description: 'Port (default 3284; AGENTAPI_PORT)' },
      type: { type: 'string', alias: 't', description: 'Agent type it reports (AGENTAPI_TYPE)' },
      'allowed-hosts': {
        type: 'string',
        description: 'Host header allowlist (default localhost,127.0.0.1,[::1])',
      },
      'allowed-origins': { type: 'string', description: 'CORS origins' },
      'initial-prompt': { type: 'string', description: 'First user message' },
      'echo-delay-ms': {
        type: 'string',
        description: 'How long each phase takes (default 500; ECHO_AGENT_DELAY_MS)',
      },
    },
    run: async ({ rawArgs }) =>
      (await import('../commands/echo-agent.ts')).echoAgentCommand(rawArgs),
  }),
  ['agentapi-proxy echo-agent --port 3284 --type claude'],
)

/**
 * `agentapi-proxy openapi`.
 *
 * @example
 * defineCommand({ subCommands: { openapi } })
 */
export const openapi = withExamples(
  defineCommand({
    meta: { name: 'openapi', description: "Print the server's OpenAPI document" },
    args: {
      ...globalOptions,
      local: { type: 'boolean', description: 'The document this CLI was built with; no server' },
    },
    run: ({ args }) => openApiCommand({ ...connectionOf(args), local: args.local }),
  }),
  ['agentapi-proxy openapi > openapi.json', 'agentapi-proxy openapi --local | jq .info.version'],
)
