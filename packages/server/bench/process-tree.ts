// The processes a server started (its agents, their sandboxes and log writers), found through
// /proc: to sum their memory apart from the server's own, and to kill any left behind when the
// server itself could not stop them (it was killed first).
import { readdirSync, readFileSync } from 'node:fs'
import { statFields } from '../src/provisioners/process-table.ts'
import { rssOf } from './processes.ts'

/** A process as /proc shows it; `started` (clock ticks after boot) tells a reused pid apart. */
export interface ProcessId {
  pid: number
  started: string
}

function stat(pid: number): { state: string; ppid: number; started: string } | null {
  try {
    const fields = statFields(pid)
    return { state: fields[0] as string, ppid: Number(fields[1]), started: fields[19] as string }
  } catch {
    return null
  }
}

/** Every live descendant of `root` (not `root` itself). */
export function descendants(root: number): ProcessId[] {
  const children = new Map<number, ProcessId[]>()
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    const info = Number.isInteger(pid) ? stat(pid) : null
    if (!info) continue
    const siblings = children.get(info.ppid) ?? []
    siblings.push({ pid, started: info.started })
    children.set(info.ppid, siblings)
  }
  const found: ProcessId[] = []
  const queue = [root]
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child)
      queue.push(child.pid)
    }
  }
  return found
}

/** Whether `pid` runs (a zombie, ended but not yet reaped, does not). */
export function running(pid: number): boolean {
  const now = stat(pid)
  return now !== null && now.state !== 'Z'
}

/** Summed resident memory of `processes` that still run, in bytes. */
export function rssSum(processes: readonly ProcessId[]): number {
  let sum = 0
  for (const { pid } of processes) {
    try {
      sum += rssOf(pid)
    } catch {
      // it ended since it was found
    }
  }
  return sum
}

/**
 * SIGKILLs those of `processes` that still run (the same process, not a reused pid, and not a
 * zombie waiting to be reaped); returns their command lines.
 */
export function killLeftovers(processes: readonly ProcessId[]): string[] {
  const killed: string[] = []
  for (const { pid, started } of processes) {
    const now = stat(pid)
    if (now?.started !== started || now.state === 'Z') continue
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      process.kill(pid, 'SIGKILL')
      killed.push(`${pid} ${command.slice(0, 120)}`)
    } catch {
      // gone meanwhile
    }
  }
  return killed
}
