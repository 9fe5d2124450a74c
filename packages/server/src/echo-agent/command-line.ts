import type { EchoAgentOptions } from './options.ts'

/**
 * `agentapi server`'s command line, read the way cobra, pflag and viper read
 * it: long and short flags with `=value`, attached or separate values, `--` ending the flags,
 * `AGENTAPI_<FLAG>` variables (lists space-separated) under the flags. A leading `server` is
 * skipped so `server --port 9001 -- claude` works as it does for agentapi.
 */

/** What a command line asks for: run the server, or print something and stop. */
export type EchoAgentCommand =
  | { kind: 'serve'; options: EchoAgentOptions }
  | { kind: 'print'; text: string }

/** A command line that cannot be run; the message follows cobra/pflag's wording. */
export class UsageError extends Error {}

/** The agentapi version the echo agent imitates. */
export const AGENTAPI_VERSION = '0.12.1'

type Kind = 'string' | 'int' | 'bool' | 'list'
type Target = keyof EchoAgentOptions | 'help' | 'exit' | 'verbose'
interface Flag {
  name: string
  short?: string
  kind: Kind
  target: Target
  env?: string
  usage: string
}

const agentapi = (
  name: string,
  short: string,
  kind: Kind,
  target: Target,
  usage: string,
): Flag => ({
  name,
  short,
  kind,
  target,
  env: `AGENTAPI_${name.toUpperCase().replaceAll('-', '_')}`,
  usage,
})
const echo = (name: string, kind: Kind, target: Target, usage: string): Flag => ({
  name: `echo-${name}`,
  kind,
  target,
  env: `ECHO_AGENT_${name.toUpperCase().replaceAll('-', '_')}`,
  usage,
})

const FLAGS: readonly Flag[] = [
  agentapi(
    'type',
    't',
    'string',
    'type',
    'agent type (default: from the agent command, else custom)',
  ),
  agentapi('port', 'p', 'int', 'port', 'port to listen on, all interfaces (default 3284)'),
  agentapi(
    'chat-base-path',
    'c',
    'string',
    'chatBasePath',
    'target of the / redirect (default /chat)',
  ),
  agentapi('term-width', 'W', 'int', 'termWidth', 'agent messages wrap at this width (default 80)'),
  agentapi('term-height', 'H', 'int', 'termHeight', 'terminal height (default 1000)'),
  agentapi('allowed-hosts', 'a', 'list', 'allowedHosts', "allowed Host headers, '*' for all"),
  agentapi('allowed-origins', 'o', 'list', 'allowedOrigins', "CORS origins, '*' for all"),
  agentapi('initial-prompt', 'I', 'string', 'initialPrompt', 'first user message, sent when ready'),
  {
    ...agentapi('verbose', 'v', 'bool', 'verbose', 'accepted; the echo agent logs the same'),
    env: undefined,
  },
  {
    name: 'exit',
    kind: 'bool',
    target: 'exit',
    env: 'AGENTAPI_EXIT',
    usage: 'parse the flags, then exit',
  },
  { name: 'help', short: 'h', kind: 'bool', target: 'help', usage: 'show this help' },
  echo('delay-ms', 'int', 'delayMs', 'default length of every phase below (default 500)'),
  echo('startup-ms', 'int', 'startupMs', 'start until ready'),
  echo('ack-ms', 'int', 'ackMs', 'user message until the agent starts working'),
  echo('chunk-ms', 'int', 'chunkIntervalMs', 'between two updates of a reply'),
  echo('settle-ms', 'int', 'settleMs', 'last reply update until stable'),
  echo('chunks', 'int', 'chunks', 'updates per reply (default 3)'),
  echo('greeting', 'string', 'greeting', 'agent message #0'),
  echo('never-ready', 'bool', 'neverReady', 'stay running forever'),
]

// agentapi features the echo agent does not fake: refusing them beats silently ignoring them.
const REFUSED = new Map([
  ['print-openapi', 'P'],
  ['state-file', 's'],
  ['load-state', ''],
  ['save-state', ''],
  ['pid-file', ''],
  ['experimental-acp', ''],
])

/** Reads `argv` (without node and script) and `env` into a command; throws {@link UsageError}. */
export function parseEchoAgentArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): EchoAgentCommand {
  const args = argv[0] === 'server' ? argv.slice(1) : argv
  if (args[0] === '--version')
    return { kind: 'print', text: `agentapi version ${AGENTAPI_VERSION}\n` }
  const { given, positionals } = tokenize(args)
  if (given.has('help')) return { kind: 'print', text: help() }
  const values: Record<string, unknown> = {}
  for (const flag of FLAGS) {
    const fromFlags = given.get(flag.target)
    const fromEnv = flag.env === undefined ? undefined : env[flag.env]
    // viper ignores empty variables, so `AGENTAPI_PORT=` means "not set".
    if (fromFlags !== undefined)
      values[flag.target] = fromFlags.map((v) => convert(flag, v, 'flag')).reduce(merge)
    else if (fromEnv) values[flag.target] = convert(flag, fromEnv, 'env')
  }
  if (values.exit === true) return { kind: 'print', text: '' }
  const { help: _help, exit: _exit, verbose: _verbose, ...options } = values
  if (positionals.length > 0) options.agentCommand = positionals
  return { kind: 'serve', options: options as EchoAgentOptions }
}

function tokenize(args: readonly string[]): {
  given: Map<Target, string[]>
  positionals: string[]
} {
  const given = new Map<Target, string[]>()
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      positionals.push(...args.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    const { flag, inline, display } = lookup(arg)
    let value = inline
    if (value === undefined) value = flag.kind === 'bool' ? 'true' : args[++i]
    if (value === undefined) throw new UsageError(`flag needs an argument: ${display}`)
    given.set(flag.target, [...(given.get(flag.target) ?? []), value])
  }
  return { given, positionals }
}

function lookup(arg: string): { flag: Flag; inline: string | undefined; display: string } {
  if (arg.startsWith('--')) {
    const [name = '', ...rest] = arg.slice(2).split('=')
    refuse(name, `--${name}`)
    const flag = FLAGS.find((candidate) => candidate.name === name)
    if (flag === undefined) throw new UsageError(`unknown flag: --${name}`)
    return { flag, inline: rest.length > 0 ? rest.join('=') : undefined, display: `--${name}` }
  }
  const letter = arg.slice(1, 2)
  const rest = arg.slice(2)
  for (const [name, short] of REFUSED) if (short === letter) refuse(name, `-${letter}`)
  const flag = FLAGS.find((candidate) => candidate.short === letter)
  if (flag === undefined) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`)
  const inline = rest === '' ? undefined : rest.replace(/^=/, '')
  return { flag, inline, display: `'${letter}' in -${letter}` }
}

function refuse(name: string, display: string): void {
  if (REFUSED.has(name))
    throw new UsageError(`${display} is an agentapi feature the echo agent does not fake`)
}

function convert(flag: Flag, raw: string, source: 'flag' | 'env'): unknown {
  const where =
    source === 'env'
      ? `${flag.env}`
      : `"${flag.short ? `-${flag.short}, ` : ''}--${flag.name}" flag`
  const invalid = (reason: string) =>
    new UsageError(`invalid argument "${raw}" for ${where}: ${reason}`)
  switch (flag.kind) {
    case 'string':
      return raw
    case 'int':
      if (!/^[+-]?\d+$/.test(raw))
        throw invalid(`strconv.ParseInt: parsing "${raw}": invalid syntax`)
      return Number.parseInt(raw, 10)
    case 'bool':
      if (/^(1|t|T|TRUE|true|True)$/.test(raw)) return true
      if (/^(0|f|F|FALSE|false|False)$/.test(raw)) return false
      throw invalid(`strconv.ParseBool: parsing "${raw}": invalid syntax`)
    case 'list':
      // pflag reads a flag's list as CSV; viper splits a variable's list on whitespace.
      return source === 'flag'
        ? raw.split(',').filter((item, _, all) => all.length > 1 || item !== '')
        : raw.split(/\s+/).filter(Boolean)
  }
}

/** A repeated list flag accumulates; any other repeated flag keeps its last value. */
function merge(previous: unknown, next: unknown): unknown {
  return Array.isArray(previous) && Array.isArray(next) ? [...previous, ...next] : next
}

function help(): string {
  const rows = FLAGS.map((flag) => {
    const names = `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.kind === 'bool' ? '' : ` ${flag.kind}`}`
    const env = flag.env ? ` [${flag.env}]` : ''
    return `  ${names.padEnd(32)}${flag.usage}${env}`
  })
  return [
    `An agentapi-compatible echo agent: answers like coder/agentapi ${AGENTAPI_VERSION} running an agent`,
    'that echoes every message back.',
    '',
    'Usage:',
    '  echo-agent [server] [flags] [-- agent [args...]]',
    '',
    'Flags:',
    ...rows,
    '',
  ].join('\n')
}
