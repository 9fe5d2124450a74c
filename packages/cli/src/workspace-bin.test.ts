import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnInGroup, stopGroup } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { watch } from '../test/run-cli.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * What a contributor types at the repository root; pnpm (a wrapper that does not pass SIGKILL
 * on) runs in its own process group, so a test can end it together with the CLI it started.
 */
function pnpm(args: string[]): ChildProcess {
  return spawnInGroup('pnpm', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
}

// Reproduce: `pnpm exec agentapi-proxy --help` at the root failed before `packages/cli/bin/` existed
// (the bin named a missing file); `node packages/cli/dist/main.js` cannot load the workspace's
// `.ts` exports either.
describe('the workspace bin (pnpm exec agentapi-proxy, pnpm cli, pnpm start)', () => {
  const children: ChildProcess[] = []
  const dirs: string[] = []

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => stopGroup(child)))
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('`pnpm exec agentapi-proxy --help` prints the usage', async () => {
    const child = pnpm(['exec', 'agentapi-proxy', '--help'])
    children.push(child)
    const { code, stdout } = await watch(child).exited
    expect(code).toBe(0)
    expect(stdout).toContain('USAGE')
    expect(stdout).toContain('server')
  })

  it('`pnpm cli --version` passes the flag through to the CLI', async () => {
    const child = pnpm(['cli', '--version'])
    children.push(child)
    const { code, stdout } = await watch(child).exited
    expect(code).toBe(0)
    expect(stdout).toMatch(/^\d+\.\d+\.\d+$/m)
  })

  it('`pnpm start --port 0 -v -c <file>` passes every flag through: the port, debug logs, the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aap-bin-'))
    dirs.push(dir)
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({ persistence: { path: join(dir, 'db.sqlite') } }))
    const child = pnpm(['start', '--port', '0', '-v', '-c', config])
    children.push(child)
    const { stdout, stderr } = watch(child)
    const [, url] = await stderr.waitFor(/listening\s+(http:\/\/127\.0\.0\.1:\d+)/)
    expect(stderr.text).toContain(`config     ${config}`)
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' })
    // -v: requests are logged at debug level (20), which the default level (info) leaves out.
    await stdout.waitFor(/"level":20,.*"path":"\/health"/)
  })
})
