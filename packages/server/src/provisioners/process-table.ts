import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { sep } from 'node:path'

/** A process as /proc shows it: enough to tell whether it is one of ours. */
export interface ProcessEntry {
  pid: number
  /** Process group id (our agents lead their own group). */
  pgid: number
  cwd: string
}

/**
 * The processes whose working directory is `root` or below it. An agent's workdir is the one
 * thing that ties a process to a session and that a reused pid cannot fake, so adoption and
 * reaping both go by it. Linux only (/proc); elsewhere it finds nothing.
 */
export function processesUnder(root: string): ProcessEntry[] {
  const prefix = root.endsWith(sep) ? root : root + sep
  const found: ProcessEntry[] = []
  for (const name of listProc()) {
    const entry = readEntry(Number(name))
    if (entry && (entry.cwd === root || entry.cwd.startsWith(prefix))) found.push(entry)
  }
  return found
}

/** The process's entry, or null when it is gone or not readable. */
export function readEntry(pid: number): ProcessEntry | null {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`)
    // Field 5 of /proc/<pid>/stat is the pgid; the command name (field 2) may hold spaces, so
    // count from the closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
    return { pid, pgid, cwd }
  } catch {
    return null
  }
}

function listProc(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return []
  }
}
