import { AGENT_HOST_ENV, AGENT_SECRET_ENV } from '../agent-guard/contract.ts'
import { type EchoAgentCommand, parseEchoAgentArgs } from './command-line.ts'
import type { EchoAgentLog } from './options.ts'
import { startEchoAgent } from './server.ts'
import { formatSlogLine } from './slog-line.ts'

/** Where {@link runEchoAgent} reads and writes; the process's own streams when absent. */
export interface EchoAgentIo {
  stdout?: NodeJS.WritableStream
  /**
   * When given and not a TTY, and no initial prompt is set, it is read to its end and used as
   * the initial prompt, exactly as agentapi does (`echo hi | agentapi server -- claude`). Like
   * agentapi, the agent then waits for EOF before it listens: spawn it with stdin ignored.
   */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
}

// agentapi shuts down gracefully on each of these.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * Runs the echo agent from a command line shaped like `agentapi server`'s, for example
 * `['server', '--port', '9001', '--', 'claude']` or `['--port', '9001', '--type', 'claude']`,
 * logging agentapi's start-up lines to stdout. Resolves once it stopped (SIGINT, SIGTERM, SIGHUP,
 * or the agent exited); rejects with a `UsageError` or a start-up error, which the caller prints
 * to stderr before exiting 1.
 *
 * @example
 * await runEchoAgent(['--port', '9001', '--type', 'claude'], { ECHO_AGENT_DELAY_MS: '20' })
 */
export async function runEchoAgent(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: EchoAgentIo = {},
): Promise<void> {
  const stdout = io.stdout ?? process.stdout
  const command: EchoAgentCommand = parseEchoAgentArgs(argv, env)
  if (command.kind === 'print') {
    stdout.write(command.text)
    return
  }
  const log: EchoAgentLog = (level, message, attributes) =>
    stdout.write(formatSlogLine(level, message, attributes))
  const options = { ...command.options, ...fromProxy(env), log }
  if (!options.initialPrompt && io.stdin !== undefined && !io.stdin.isTTY) {
    const prompt = await readAll(io.stdin)
    if (prompt.length > 0) {
      options.initialPrompt = prompt.toString()
      log('INFO', 'Read initial prompt from stdin', { bytes: prompt.length })
    }
  }
  const agent = await startEchoAgent(options)
  const stop = () => void agent.close()
  for (const signal of SIGNALS) process.on(signal, stop)
  try {
    await agent.closed
  } finally {
    for (const signal of SIGNALS) process.off(signal, stop)
  }
}

// Not agentapi flags: what agentapi-proxy tells the agents it starts (agent-guard/contract.ts).
// Without them the echo agent listens everywhere and checks nothing, exactly like agentapi.
function fromProxy(env: NodeJS.ProcessEnv): { host?: string; secret?: string } {
  const host = env[AGENT_HOST_ENV]
  const secret = env[AGENT_SECRET_ENV]
  return { ...(host ? { host } : {}), ...(secret ? { secret } : {}) }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks)
}
