import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Config } from '../config/index.ts'

/** What runs each session's agentapi, as the banner and each session's `agent` field say it. */
export interface AgentChoice {
  /** `agentapi` found on PATH, a configured `command`, or the built-in echo agent. */
  kind: 'agentapi' | 'custom' | 'echo'
  /** argv template; `{port}` is replaced per session. Empty for the echo agent (built in). */
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
  if (agent.command) {
    return { kind: 'custom', command: agent.command, description: agent.command.join(' ') }
  }
  const agentapi = findExecutable('agentapi', path)
  if (agentapi) {
    const command = [agentapi, 'server', '--port', '{port}', '--type', agent.type, '--', agent.type]
    return { kind: 'agentapi', command, description: command.join(' ') }
  }
  return {
    kind: 'echo',
    command: [],
    description: 'built-in echo agent (agentapi is not on PATH; install it or set agent.command)',
  }
}

function findExecutable(name: string, path: string | undefined): string | null {
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
