import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { sep } from 'node:path'

/** A process as /proc shows it: enough to tell whether it is one of ours. */
export interface ProcessEntry {
  pid: number
  /** Process group id (our agents lead their own group). */
  pgid: number
  cwd: string
  /** One letter, as ps shows it: `Z` for a zombie (exited, not yet reaped). */
  state: string
}

/**
 * The processes whose working directory is `root` or below it. An agent's workdir is the one
 * thing that ties a process to a session and that a reused pid cannot fake, so adoption and
 * reaping both go by it. Linux only (/proc); elsewhere it finds nothing.
 */
export function processesUnder(root: string): ProcessEntry[] {
  const prefix = root.endsWith(sep) ? root : root + sep
  return allProcesses().filter((entry) => entry.cwd === root || entry.cwd.startsWith(prefix))
}

/** The processes of process group `pgid` that have not exited (zombies left out). */
export function processesInGroup(pgid: number): ProcessEntry[] {
  return allProcesses().filter((entry) => entry.pgid === pgid && entry.state !== 'Z')
}

/** The process's entry, or null when it is gone or not readable. */
export function readEntry(pid: number): ProcessEntry | null {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`)
    const [state = '', , pgid] = statFields(pid)
    return { pid, pgid: Number(pgid), cwd, state }
  } catch {
    return null
  }
}

/**
 * The fields of `/proc/<pid>/stat` from field 3 of proc(5) on: index 0 is the state, 1 the
 * ppid, 2 the pgid, 19 the start time. The command name (field 2) may hold spaces, so they are
 * counted from its closing parenthesis. Throws when the process is gone.
 */
export function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

function allProcesses(): ProcessEntry[] {
  let names: string[] = []
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    // no /proc: not Linux
  }
  return names.flatMap((name) => readEntry(Number(name)) ?? [])
}
