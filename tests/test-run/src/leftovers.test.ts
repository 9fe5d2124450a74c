import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually, TempDirs } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { entriesLeftIn, findLeftovers, killLeftovers } from '../../../scripts/leftovers.mjs'

const dirs = new TempDirs()
const started: number[] = []
afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // gone, as it should be
    }
  }
  await dirs.removeAll()
})

const SLEEP = 'setTimeout(() => {}, 300_000)'

/**
 * Starts a sleeping node in a group of its own from a shell that exits at once, so that it is
 * left orphaned (parent 1), as the server `npx` had started was; returns its pid once it runs
 * node. While a process execs, the kernel shows it with no arguments and no environment for a
 * moment, so a scan in that moment would miss it: the scan waits for the settled process, as it
 * meets it after a real run.
 */
async function leakSleeper(options: {
  cwd: string
  env: NodeJS.ProcessEnv
  args?: string[]
}): Promise<number> {
  const script =
    'code="$1"; shift; setsid "$0" -e "$code" "$@" </dev/null >/dev/null 2>&1 & echo $!'
  const args = ['-c', script, process.execPath, SLEEP, ...(options.args ?? [])]
  const out = execFileSync('bash', args, {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
  })
  const pid = Number(out.trim())
  started.push(pid)
  await eventually(async () =>
    cmdlineOf(pid).startsWith(`${process.execPath} -e`) ? true : undefined,
  )
  return pid
}

const cmdlineOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return ''
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// The check `pnpm test` runs after vitest (scripts/test.mjs); reproduce a leak by hand with
// `node -e "require('child_process').spawn('sleep', ['300'], { detached: true }).unref()"` in a
// test: `pnpm test` then fails with "The tests left 1 process still running".
describe('the leftover scan of a test run', () => {
  it('finds leaked detached processes by marker, by cwd and by argument, and kills them', async () => {
    const root = dirs.make('aap-scan-')
    const elsewhere = dirs.make('aap-scan-elsewhere-')
    const marker = `AGENTAPI_PROXY_TEST_RUN=scan-${randomUUID()}`
    const { AGENTAPI_PROXY_TEST_RUN: _, ...unmarked } = process.env
    mkdirSync(join(root, 'workdir'))
    const byMarker = await leakSleeper({
      cwd: elsewhere,
      env: { ...process.env, ...envOf(marker) },
    })
    // An agent: scrubbed environment, but its workdir is under the run's temp dir.
    const byCwd = await leakSleeper({ cwd: join(root, 'workdir'), env: { PATH: process.env.PATH } })
    const byArgument = await leakSleeper({ cwd: elsewhere, env: unmarked, args: [join(root, 'x')] })
    const unrelated = await leakSleeper({ cwd: elsewhere, env: unmarked })

    const found = findLeftovers({ marker, root })
    expect(found.map(({ pid }) => pid).sort()).toEqual([byMarker, byCwd, byArgument].sort())
    expect(found.find(({ pid }) => pid === byCwd)).toMatchObject({
      pgid: byCwd, // setsid: the leader of its own group
      cmdline: `${process.execPath} -e ${SLEEP}`,
      why: `cwd ${join(root, 'workdir')}`,
    })
    expect(found.find(({ pid }) => pid === byMarker)?.why).toBe('marker in environment')

    killLeftovers(found)
    await eventually(async () => (found.some(({ pid }) => alive(pid)) ? undefined : true))
    expect(findLeftovers({ marker, root })).toEqual([])
    expect(alive(unrelated)).toBe(true)
  })

  it('does not count the process that scans, nor its ancestors', () => {
    // In this process's environment, and in its ancestors' (they passed it on).
    const marker = `PATH=${process.env.PATH}`
    const pids = findLeftovers({ marker, root: dirs.make('aap-scan-') }).map(({ pid }) => pid)
    expect(pids).not.toContain(process.pid)
    expect(pids).not.toContain(process.ppid)
  })

  it('lists what is left in the temp dir, and nothing for a dir that is gone', () => {
    const root = dirs.make('aap-scan-')
    mkdirSync(join(root, 'aap-cli-x', 'data'), { recursive: true })
    writeFileSync(join(root, 'stray.txt'), '')
    expect(entriesLeftIn(root)).toEqual(['aap-cli-x', 'stray.txt'])
    expect(entriesLeftIn(join(root, 'missing'))).toEqual([])
  })
})

function envOf(marker: string): Record<string, string> {
  const [name = '', value = ''] = marker.split('=')
  return { [name]: value }
}
