#!/usr/bin/env node
import { defineCommand, runMain } from 'citty'
import { CliError } from './cli-error.ts'
import { echoAgentCommand } from './commands/echo-agent.ts'
import { serverCommand } from './commands/server.ts'
import { VERSION } from './version.ts'

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CliError(`--port must be a number from 0 to 65535, not "${value}"`, undefined, 2)
  }
  return port
}

const server = defineCommand({
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
      description: 'JSON or YAML config file (default ./config.json when present)',
    },
    verbose: { type: 'boolean', alias: 'v', description: 'Log debug lines too' },
  },
  run: ({ args }) =>
    guarded(() =>
      serverCommand({
        port: parsePort(args.port),
        host: args.host,
        config: args.config,
        verbose: args.verbose,
      }),
    ),
})

const echoAgent = defineCommand({
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
  run: ({ rawArgs }) => guarded(() => echoAgentCommand(rawArgs)),
})

const main = defineCommand({
  meta: {
    name: 'agentapi-proxy',
    version: VERSION,
    description: 'Run many coder/agentapi sessions behind one authenticated front door',
  },
  subCommands: { server, 'echo-agent': echoAgent },
})

runMain(main)

/**
 * The only place that exits: a command's CliError becomes its message plus what to do next;
 * anything else is a bug, shown with its stack.
 */
async function guarded(command: () => Promise<void>): Promise<void> {
  try {
    await command()
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}`)
      process.exit(error.exitCode)
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
    process.stderr.write(`error: ${text}\n`)
    process.exit(1)
  }
  process.exit(0)
}
