import { constants } from 'node:os'
import { processesInGroup } from './process-table.ts'
import type { AgentExit } from './provisioner.ts'

// The process group of one agent, as the local provisioner signals and watches it.

/**
 * bwrap exits with 128 + n when the agent inside dies of signal n (as a shell does): turned back
 * into the signal, so a sandboxed agent's OOM kill reads `SIGKILL` like an unsandboxed one's.
 */
export function exitThroughBwrap(code: number | null, signal: NodeJS.Signals | null): AgentExit {
  const name = code !== null && code > 128 ? signalName(code - 128) : undefined
  return name ? { code: null, signal: name } : { code, signal }
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, n]) => n === number)?.[0]
}

/** Whether `pid` (or, negative, any process of group `-pid`) exists, zombies included. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once no process of the group is left, or after `waitMs`. */
export async function groupEnded(pgid: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs
  for (let polls = 1; isRunning(-pgid) && Date.now() < deadline; polls++) {
    // A zombie counts for kill(): a sandbox's init outlives bwrap until something reaps it. The
    // process table says so, at a cost (all of /proc), so it is read only now and then.
    if (polls % 10 === 0 && processesInGroup(pgid).length === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Signals every process of the group led by `pid`; a group already gone is no error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the group is already gone
  }
}
