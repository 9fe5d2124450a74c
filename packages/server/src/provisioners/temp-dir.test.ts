import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalProvisioner } from './local.ts'

const dirs: string[] = []
const provisioners: LocalProvisioner[] = []
afterEach(async () => {
  await Promise.all(provisioners.splice(0).map((p) => p.stopAll(1_000)))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('the TMPDIR of a local agent', () => {
  // Reproduction: CI once found an `agentapi-uploads-*` directory left in the test run's temp
  // dir, made by an echo agent that was killed (SIGKILL cleans nothing up).
  it('is private to the session and goes with the agent, even when the agent is killed', async () => {
    const workdirRoot = mkdtempSync(join(tmpdir(), 'aap-tmpdir-'))
    dirs.push(workdirRoot)
    const provisioner = new LocalProvisioner({
      startPort: 20_000 + Math.floor(Math.random() * 20_000),
      workdirRoot,
      logMaxBytes: 65_536,
    })
    provisioners.push(provisioner)
    // Ignores SIGTERM, so only the SIGKILL after the grace ends it.
    const script = 'trap "" TERM; echo "$TMPDIR" > where; touch "$TMPDIR/left-behind"; sleep 60'
    const handle = await provisioner.start(
      {
        sessionId: 'killed',
        command: ['bash', '-c', script],
        env: { TMPDIR: '/tmp' },
        repository: null,
      },
      () => undefined,
    )
    const where = join(String(handle.handle.workdir), 'where')
    const agentTmp = join(workdirRoot, '.tmp', 'killed')
    await until(() => existsSync(join(agentTmp, 'left-behind')), 'the agent to write a temp file')
    expect(readFileSync(where, 'utf8').trim()).toBe(agentTmp)

    const exit = await provisioner.stop(handle, 200)
    expect(exit.signal).toBe('SIGKILL')
    expect(existsSync(agentTmp)).toBe(false)
    expect(existsSync(String(handle.handle.workdir))).toBe(true) // the workdir stays until the session is removed
  })
})
