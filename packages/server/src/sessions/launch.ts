import { formatDuration } from '../config/duration.ts'
import type { AgentExit, AgentRef, AgentSpec, Provisioner } from '../provisioners/provisioner.ts'
import { AgentClient } from './agent-client.ts'
import type { LiveSession } from './live-session.ts'

/** How a start ended. */
export type LaunchOutcome =
  | { kind: 'ready'; exited: Promise<AgentExit> }
  | {
      kind: 'failed'
      reason: 'startup_timeout' | 'startup_exit'
      exitCode: number | null
      error: string
      logTail: string[]
    }
  | { kind: 'aborted' }

/** What {@link launchAgent} works with. */
export interface LaunchInput {
  live: LiveSession
  provisioner: Provisioner
  spec: AgentSpec
  startupTimeoutMs: number
  stopGraceMs: number
  /** Called with each started agent, before readiness, so the store knows where it is. */
  onHandle(agent: AgentRef): Promise<unknown>
}

const POLL_MS = 20
const ATTEMPTS = 3
// agentapi listens on all interfaces; another program can take the port between our check and
// its bind. Go says "address already in use"; Node says EADDRINUSE.
const BIND_RACE = /address already in use|EADDRINUSE/i

/**
 * Starts the agent and waits until agentapi answers `/status`: that is what ready means.
 * An agent that loses the race for its port is started again on another; one that exits, or
 * is not ready within the start-up timeout, is a failure with its exit code and last lines.
 */
export async function launchAgent(input: LaunchInput): Promise<LaunchOutcome> {
  const deadline = Date.now() + input.startupTimeoutMs
  const { signal } = input.live.abort
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return { kind: 'aborted' }
    let onExit: (exit: AgentExit) => void = () => undefined
    const exited = new Promise<AgentExit>((resolve) => {
      onExit = resolve
    })
    const handle = await input.provisioner.start(input.spec, (exit) => onExit(exit))
    input.live.handle = handle
    await input.onHandle(handle)
    const result = await waitReady(handle, input.spec, exited, deadline, signal)
    if (result === 'ready') return { kind: 'ready', exited }
    if (result === 'aborted' || result === 'timeout') {
      const stopped = await input.provisioner.stop(
        handle,
        result === 'aborted' ? input.stopGraceMs : 0,
      )
      if (result === 'aborted') return { kind: 'aborted' }
      const { lines } = await input.provisioner.logs(handle, 20)
      const within = formatDuration(input.startupTimeoutMs)
      // The engine may know why (a pod not scheduled, an image still pulling).
      const why = stopped.reason ? ` (${stopped.reason})` : ''
      return {
        kind: 'failed',
        reason: 'startup_timeout',
        exitCode: null,
        error: `The agent was not ready within ${within}${why}`,
        logTail: lines,
      }
    }
    const { lines } = await input.provisioner.logs(handle, 20)
    if (attempt < ATTEMPTS && lines.some((line) => BIND_RACE.test(line))) continue
    const code = result.code ?? null
    const error = result.reason
      ? `The agent could not start: ${result.reason}${code === null ? '' : ` (exit code ${code})`}`
      : code === null && result.signal
        ? `The agent was killed by ${result.signal} during start-up`
        : `The agent exited during start-up with code ${code ?? 'unknown'}`
    return { kind: 'failed', reason: 'startup_exit', exitCode: code, error, logTail: lines }
  }
}

async function waitReady(
  handle: AgentRef,
  spec: AgentSpec,
  exited: Promise<AgentExit>,
  deadline: number,
  signal: AbortSignal,
): Promise<'ready' | 'timeout' | 'aborted' | AgentExit> {
  let exit: AgentExit | null = null
  exited.then((e) => {
    exit = e
  })
  const client = new AgentClient(handle.url, spec.secret ?? null)
  while (Date.now() < deadline) {
    if (signal.aborted) return 'aborted'
    if (exit) return exit
    const probe = AbortSignal.any([signal, AbortSignal.timeout(1_000)])
    if ((await client.status(probe)) !== null) return 'ready'
    if (exit) return exit
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  return 'timeout'
}
