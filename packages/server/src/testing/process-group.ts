import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process'
import { processesInGroup, processesUnder } from '../provisioners/process-table.ts'

/**
 * Spawns `command` as the leader of a process group of its own, so that `stopGroup` reaches
 * everything it starts: wrappers (npx, pnpm, tsx) do not pass signals on to their child, and
 * tsx starts an esbuild service beside the program.
 *
 * @example
 * const child = spawnInGroup('npx', ['agentapi-proxy', 'server'], { cwd: project })
 * afterAll(() => stopGroup(child))
 */
export function spawnInGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(command, args, { ...options, detached: true })
}

/** How `stopGroup` ends a group. */
export interface StopOptions {
  /** Sent first, to let the group shut down on its own; SIGKILL follows after `graceMs`. */
  signal?: NodeJS.Signals
  graceMs?: number
}

/**
 * Ends the child's whole process group and resolves once no process of it is left; at once with
 * SIGKILL by default, or with `signal` first and SIGKILL after `graceMs`. Safe to call on a
 * child that has exited already, so it belongs in a `finally` or `afterEach`.
 *
 * @example
 * try { ... } finally { await stopGroup(server, { signal: 'SIGTERM', graceMs: 5_000 }) }
 */
export async function stopGroup(child: ChildProcess, options: StopOptions = {}): Promise<void> {
  const pgid = child.pid
  if (pgid === undefined) return
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()))
  if (options.signal && signalGroup(pgid, options.signal)) {
    await untilEmpty(pgid, options.graceMs ?? 5_000)
  }
  // A child spawned without `detached` leads no group: then at least the child itself goes.
  if (!signalGroup(pgid, 'SIGKILL')) child.kill('SIGKILL')
  await exited
  await untilEmpty(pgid, 10_000)
}

/** Sends `signal` to the group; false when the group is gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

async function untilEmpty(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (processesInGroup(pgid).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * SIGKILLs the process group of every process whose working directory lies under `dir`, and
 * resolves once they are gone: the agents a server started in workdirs below a test's temp dir
 * lead groups of their own, which stopping the server's group does not reach.
 *
 * @example
 * afterEach(() => stopGroupsUnder(workdirRoot))
 */
export async function stopGroupsUnder(dir: string): Promise<void> {
  const groups = new Set(processesUnder(dir).map((entry) => entry.pgid))
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL')
  await Promise.all([...groups].map((pgid) => untilEmpty(pgid, 10_000)))
}
