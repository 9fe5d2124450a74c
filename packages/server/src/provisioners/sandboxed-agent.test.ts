import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TempDirs } from '../testing/temp-dir.ts'
import { LocalProvisioner } from './local.ts'
import type { AgentExit, AgentRef } from './provisioner.ts'
import { probeBubblewrap } from './sandbox.ts'
import { DEFAULT_SCRIPT } from './startup-scripts.ts'

// The provisioner's own promises, kept with bwrap between it and the agent: how an agent ended,
// and the stop grace reaching the agent rather than ending with bwrap (past the 1 s drain that
// follows a process's exit).
const bwrap = probeBubblewrap(process.env.PATH)
const dirs = new TempDirs()
// A checkout under /tmp (a clean clone in CI) is out of sight behind the sandbox's private /tmp,
// startup script included; the server's layout shows it again, and so does this one.
const revealed = DEFAULT_SCRIPT.startsWith('/tmp/') ? [DEFAULT_SCRIPT.split('/', 3).join('/')] : []
const provisioners: LocalProvisioner[] = []
afterEach(async () => {
  await Promise.all(provisioners.splice(0).map((p) => p.stopAll(1_000)))
  await dirs.removeAll()
})

function sandboxed(): { provisioner: LocalProvisioner; root: string } {
  const root = dirs.make('aap-sandboxed-', '/var/tmp')
  const provisioner = new LocalProvisioner({
    startPort: 20_000 + Math.floor(Math.random() * 20_000),
    workdirRoot: join(root, 'sessions'),
    homeRoot: join(root, 'homes'),
    logMaxBytes: 1024 * 1024,
    sandbox: { bwrap: 'bwrap' in bwrap ? bwrap.bwrap : 'bwrap', hidden: [], revealed, binds: [] },
  })
  provisioners.push(provisioner)
  return { provisioner, root }
}

async function run(script: string): Promise<{ agent: AgentRef; exit: Promise<AgentExit> }> {
  const { provisioner } = sandboxed()
  let ended: (exit: AgentExit) => void = () => {}
  const exit = new Promise<AgentExit>((resolve) => {
    ended = resolve
  })
  const spec = { sessionId: 's1', userId: 'alice', command: ['bash', '-c', script], env: {} }
  const agent = await provisioner.start({ ...spec, repository: null }, ended)
  return { agent, exit }
}

describe.skipIf('reason' in bwrap)('a sandboxed agent', () => {
  it.each([
    ['exit 3', { code: 3, signal: null }],
    ['kill -KILL $$', { code: null, signal: 'SIGKILL' }],
    ['kill -SEGV $$', { code: null, signal: 'SIGSEGV' }],
  ])('that ends with `%s` is reported as %o, as without bwrap', async (script, expected) => {
    const { exit } = await run(script)
    expect(await exit).toEqual(expected)
  })

  it('gets the whole stop grace to shut down, although bwrap itself dies at once', async () => {
    const { provisioner } = sandboxed()
    const script =
      'trap "sleep 1.5; echo bye > graceful; exit 0" TERM; echo up > started; sleep 60 & wait'
    const spec = { sessionId: 's2', userId: 'bob', command: ['bash', '-c', script], env: {} }
    const agent = await provisioner.start({ ...spec, repository: null }, () => {})
    const workdir = String(agent.handle.workdir)
    await expect.poll(() => existsSync(join(workdir, 'started'))).toBe(true)
    await provisioner.stop(agent, 5_000)
    expect(existsSync(join(workdir, 'graceful'))).toBe(true)
  })
})
