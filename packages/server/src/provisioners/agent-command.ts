import { accessSync, constants } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Config } from '../config/index.ts'

/** What runs each session's agentapi, as the banner and each session's `agent` field say it. */
export interface AgentChoice {
  /** `agentapi` found on PATH, a configured `command`, or the built-in echo agent. */
  kind: 'agentapi' | 'custom' | 'echo'
  /** argv template; `{port}` and `{type}` are replaced per session. */
  command: readonly string[]
  /** One line for people: what runs and why. */
  description: string
}

/**
 * Decides what runs sessions: a configured command wins; otherwise agentapi when it is on PATH;
 * otherwise the built-in echo agent, so a fresh machine still works end to end.
 *
 * @example
 * resolveAgent(config.agent, process.env.PATH).kind // 'echo' on a machine without agentapi
 */
export function resolveAgent(agent: Config['agent'], path: string | undefined): AgentChoice {
  return resolveLocalAgent(agent, path)
}

/**
 * What runs in each session's pod: agentapi from the agent image (`agent.command` when set),
 * with no guard of ours around it — the image is the operator's.
 */
export function podAgent(agent: Config['agent'], image: string): AgentChoice {
  const command = agent.command ?? ['agentapi', ...AGENTAPI_ARGS]
  return {
    kind: agent.command ? 'custom' : 'agentapi',
    command,
    description: `${command.join(' ')} in ${image}`,
  }
}

function resolveLocalAgent(agent: Config['agent'], path: string | undefined): AgentChoice {
  if (agent.command) {
    const description = agent.command.join(' ')
    return { kind: 'custom', command: guardedCommand(agent.command), description }
  }
  const agentapi = findExecutable('agentapi', path)
  if (agentapi) {
    const command = [agentapi, ...AGENTAPI_ARGS]
    return { kind: 'agentapi', command: guardedCommand(command), description: command.join(' ') }
  }
  return {
    kind: 'echo',
    command: [...echoAgentCommand(), ...AGENTAPI_ARGS],
    description: 'built-in echo agent (agentapi is not on PATH; install it or set agent.command)',
  }
}

// The same argv as agentapi's: the echo agent understands it too.
const AGENTAPI_ARGS = ['server', '--port', '{port}', '--type', '{type}', '--', '{type}']

/**
 * `command` behind the agent guard (agent-guard/bin.ts): agentapi has no auth and no bind
 * flag, so the guard takes the session's port on the agent host and demands the session's
 * secret, and the agent gets a port of the guard's choosing (`{port}` in `command`). The echo
 * agent checks the secret itself and needs no guard.
 *
 * @example
 * guardedCommand(['agentapi', 'server', '--port', '{port}']) // [node, …guard, '--port', '{port}', '--', 'agentapi', 'server', '--port', '{inner_port}']
 */
export function guardedCommand(command: readonly string[]): string[] {
  const inner = command.map((arg) => arg.replaceAll('{port}', '{inner_port}'))
  return [...ownEntry('agent-guard', '../agent-guard/bin.ts'), '--port', '{port}', '--', ...inner]
}

/**
 * How to run the built-in echo agent as its own process: the compiled entry in the published
 * package, or the TypeScript source through tsx when running from the repository.
 */
export function echoAgentCommand(): string[] {
  return ownEntry('echo-agent', '../echo-agent/bin.ts')
}

function ownEntry(bundle: string, source: string): string[] {
  const fromSource = import.meta.url.endsWith('.ts')
  if (!fromSource)
    return [process.execPath, fileURLToPath(new URL(`./${bundle}.js`, import.meta.url))]
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const entry = fileURLToPath(new URL(source, import.meta.url))
  return [process.execPath, '--import', tsx, entry]
}

/** The first executable `name` in the directories of `path` (a PATH value), or null. */
export function findExecutable(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return null
}
