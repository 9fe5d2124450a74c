import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalProvisioner } from './local.ts'
import { cappedLog, TRIM_MARKER } from './scripts/log-writer.mjs'

const dirs: string[] = []
const provisioners: LocalProvisioner[] = []
afterEach(async () => {
  await Promise.all(provisioners.splice(0).map((p) => p.stopAll(1_000)))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'aap-log-writer-'))
  dirs.push(dir)
  return dir
}

const lines = (from: number, count: number) =>
  Buffer.from(Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join(''))

describe('cappedLog', () => {
  it.each([
    ['many small writes', 500, 1],
    ['a few large writes', 5, 100],
    ['one write larger than the cap', 1, 2000],
  ])('never lets the file pass the cap, with %s, and keeps the newest lines', (_, writes, per) => {
    const path = join(tempDir(), 'agent.log')
    const fd = openSync(path, 'a+')
    const log = cappedLog(fd, 4096)
    let sizeSeen = 0
    for (let i = 0; i < writes; i++) {
      log.write(lines(i * per, per))
      sizeSeen = Math.max(sizeSeen, statSync(path).size)
    }
    closeSync(fd)
    expect(sizeSeen).toBeLessThanOrEqual(4096)
    const kept = readFileSync(path, 'utf8').split('\n')
    expect(kept[0]).toBe(TRIM_MARKER.toString().trim())
    expect(kept[1]).toMatch(/^line \d+$/)
    expect(kept.at(-2)).toBe(`line ${writes * per - 1}`)
  })

  it('leaves a log under the cap as it was written', () => {
    const path = join(tempDir(), 'agent.log')
    const fd = openSync(path, 'a+')
    cappedLog(fd, 4096).write(lines(0, 3))
    closeSync(fd)
    expect(readFileSync(path, 'utf8')).toBe('line 0\nline 1\nline 2\n')
  })
})

describe('the log of a local agent', () => {
  const start = (maxBytes: number, script: string) => {
    const workdirRoot = tempDir()
    const provisioner = new LocalProvisioner({
      startPort: 20_000 + Math.floor(Math.random() * 20_000),
      workdirRoot,
      logMaxBytes: maxBytes,
    })
    provisioners.push(provisioner)
    const spec = { sessionId: 'flood', command: ['bash', '-c', script], env: {}, repository: null }
    return { provisioner, started: provisioner.start(spec, () => undefined) }
  }

  // Reproduction: an agent that writes 20 MB as fast as it can, against a 1 MiB cap
  // (before: the file grew to the full 20 MB between two 10 s trims).
  it('stays under session.log_max_bytes while the agent floods it, and keeps its last lines', async () => {
    const cap = 1024 * 1024
    const flood =
      'yes "output of a busy agent, 0123456789" | head -c 20000000; echo; echo LAST; sleep 60'
    const { started } = start(cap, flood)
    const handle = await started
    // Sample the file's size as often as the event loop allows until the agent's last line lands.
    let largest = 0
    const deadline = Date.now() + 50_000
    while (!readFileSync(String(handle.handle.log_path), 'utf8').endsWith('\nLAST\n')) {
      largest = Math.max(largest, statSync(String(handle.handle.log_path)).size)
      if (Date.now() > deadline) throw new Error('the agent never finished its flood')
      await new Promise((resolve) => setImmediate(resolve))
    }
    largest = Math.max(largest, statSync(String(handle.handle.log_path)).size)
    expect(largest).toBeLessThanOrEqual(cap)
    expect(
      readFileSync(String(handle.handle.log_path), 'utf8').startsWith(TRIM_MARKER.toString()),
    ).toBe(true)
  }, 60_000)

  it('writes what the agent says while it stops', async () => {
    const script = 'trap "echo stopping cleanly; exit 0" TERM; echo ready; sleep 60 & wait'
    const { provisioner, started } = start(4096, script)
    const handle = await started
    const deadline = Date.now() + 10_000
    while (
      !readFileSync(String(handle.handle.log_path), 'utf8').includes('ready\n') &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await provisioner.stop(handle, 5_000)
    expect(readFileSync(String(handle.handle.log_path), 'utf8')).toContain('stopping cleanly')
  })
})
