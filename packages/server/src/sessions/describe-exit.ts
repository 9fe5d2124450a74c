import type { AgentExit } from '../provisioners/provisioner.ts'

/**
 * Why an agent that was not being stopped ended, as the session's `error` says it.
 *
 * @example
 * describeExit({ code: null, signal: 'SIGKILL' }) // 'The agent was killed by SIGKILL'
 */
export function describeExit(exit: AgentExit): string {
  if (exit.reason) {
    const code = exit.code === null ? '' : ` (exit code ${exit.code})`
    return `The agent ended: ${exit.reason}${code}`
  }
  if (exit.signal) return `The agent was killed by ${exit.signal}`
  if (exit.code !== null) return `The agent exited by itself with code ${exit.code}`
  // An adopted agent is not our child: its end is seen, its exit status is not.
  return 'The agent exited; its exit status is unknown (it was started by an earlier run)'
}
