import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TempDirs } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, spawnCli, watch } from '../../test/run-cli.ts'

const dirs = new TempDirs()
const tempDir = () => dirs.make('aap-cli-')
// Each server runs in its dir: removing the dir stops one a failed assertion left running.
afterEach(() => dirs.removeAll())

describe('agentapi-proxy server', () => {
  it('starts on port 0, prints a banner that says what runs, answers /health and stops on SIGTERM', async () => {
    const cwd = tempDir()
    const child = spawnCli(['server', '--port', '0'], { cwd, env: { PATH: '/usr/bin:/bin' } })
    const { stderr, exited } = watch(child)
    const [, url] = await stderr.waitFor(/listening\s+(http:\/\/\S+)/)
    await stderr.waitFor(/auth\s+.*\n/)
    const banner = stderr.text
    expect(banner).toMatch(/config\s+none \(built-in defaults\)/)
    expect(banner).toMatch(/agent\s+built-in echo agent/)
    expect(banner).toMatch(/store\s+sqlite \S+data\/agentapi-proxy\.sqlite/)
    expect(banner).toMatch(/auth\s+disabled/)

    const res = await fetch(`${url}/health`)
    expect(await res.json()).toEqual({ status: 'ok' })

    child.kill('SIGTERM')
    const { code, stdout } = await exited
    expect(code).toBe(0)
    expect(stdout).toContain('"msg":"shutting down"')
  })

  it('warns when auth is off and it listens beyond loopback', async () => {
    const child = spawnCli(['server', '-p', '0', '--host', '0.0.0.0'], { cwd: tempDir() })
    const { stderr, exited } = watch(child)
    await stderr.waitFor(/WARNING\s+auth is disabled/)
    child.kill('SIGINT')
    expect((await exited).code).toBe(0)
  })

  it('exits non-zero naming every bad field of a malformed config', async () => {
    const cwd = tempDir()
    writeFileSync(
      join(cwd, 'config.json'),
      JSON.stringify({ port: 'eighty', auth: { enabeld: true }, session: { max_sessions: -1 } }),
    )
    const { code, stderr } = await runCli(['server'], { cwd })
    expect(code).toBe(2)
    expect(stderr).toContain(`Invalid configuration in ${join(cwd, 'config.json')}`)
    expect(stderr).toMatch(/- port: .*expected number/)
    expect(stderr).toMatch(/- auth\.enabeld: Unknown field/)
    expect(stderr).toMatch(/- session\.max_sessions: .*/)
    expect(stderr).toContain('Fix the fields above')
  })

  it('exits non-zero with a hint when --config names a file that does not exist', async () => {
    const { code, stderr } = await runCli(['server', '-c', 'nope.yaml'], { cwd: tempDir() })
    expect(code).toBe(2)
    expect(stderr).toMatch(
      /^error: \S+nope\.yaml: file not found — pass the path of a JSON or YAML file with --config\n$/,
    )
  })

  it('rejects a port that is not a number', async () => {
    const { code, stderr } = await runCli(['server', '-p', 'http'], { cwd: tempDir() })
    expect(code).toBe(2)
    expect(stderr).toContain('--port must be a number from 0 to 65535, not "http"')
  })
})
