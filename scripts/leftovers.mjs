// What a test run left behind: processes still alive and files in the run's temp dir.
// A process is the run's when its environment carries the run's marker (everything vitest
// starts inherits it), or when its working directory or an argument lies under the run's
// temp dir (agents get a scrubbed environment, but run in workdirs under it). Linux only: it
// reads /proc, and finds nothing elsewhere.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { sep } from 'node:path'

/**
 * The live processes that belong to a run, oldest first; `marker` is the `NAME=value` entry
 * the run put in its children's environment, `root` the run's temp dir. This process and its
 * ancestors never count (they started the run).
 *
 * @param {{ marker: string, root: string }} run
 * @returns {{ pid: number, pgid: number, cmdline: string, why: string }[]}
 */
export function findLeftovers({ marker, root }) {
  const under = (path) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
  const spared = ancestors(process.pid)
  const found = []
  for (const pid of pids()) {
    if (spared.has(pid)) continue
    const info = readProcess(pid)
    if (!info || info.state === 'Z') continue // a zombie is dead already; its parent reaps it
    let why = ''
    if (info.environ.includes(marker)) why = 'marker in environment'
    else if (under(info.cwd)) why = `cwd ${info.cwd}`
    else if (info.argv.some(under)) why = 'argument under the temp dir'
    if (why) found.push({ pid, pgid: info.pgid, cmdline: info.argv.join(' '), why })
  }
  return found
}

/**
 * SIGKILLs the process group of each leftover (a wrapper does not pass signals on, and a
 * group holds whatever the leftover started); a leftover in our own group is killed alone.
 *
 * @param {{ pid: number, pgid: number }[]} leftovers
 */
export function killLeftovers(leftovers) {
  const ownGroup = readProcess(process.pid)?.pgid
  for (const { pid, pgid } of leftovers) {
    const target = pgid > 1 && pgid !== ownGroup ? -pgid : pid
    try {
      process.kill(target, 'SIGKILL')
    } catch {
      // gone already
    }
  }
}

/**
 * What is left in `dir` (each test makes its own folder there), sorted; `[]` when it is gone.
 *
 * @param {string} dir
 * @returns {string[]}
 */
export function entriesLeftIn(dir) {
  try {
    return readdirSync(dir).sort()
  } catch {
    return []
  }
}

function pids() {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b)
}

function ancestors(pid) {
  const seen = new Set([pid])
  for (let info = readProcess(pid); info && info.ppid > 1; info = readProcess(info.ppid)) {
    seen.add(info.ppid)
  }
  return seen
}

function readProcess(pid) {
  try {
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const read = (name) => readFileSync(`/proc/${pid}/${name}`, 'utf8').split('\0')
    return {
      state,
      ppid: Number(ppid),
      pgid: Number(pgid),
      cwd: readlinkSync(`/proc/${pid}/cwd`),
      argv: read('cmdline').filter(Boolean),
      environ: read('environ'),
    }
  } catch {
    return null // gone, or a kernel thread / another user's process we cannot read
  }
}
