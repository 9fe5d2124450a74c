import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventually, TempDirs } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnCli, watch } from '../../test/run-cli.ts'

/**
 * Process groups with a process whose working directory is under `root` (from /proc): one per
 * running agent, whatever helpers the agent itself started (tsx's esbuild service, say).
 */
function agentGroupsUnder(root: string): number[] {
  const groups = new Set<number>()
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(root)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      groups.add(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]))
    } catch {
      // gone, or not ours to read
    }
  }
  return [...groups]
}

const dirs = new TempDirs()
// Also stops what a failed test left in them: the server and, in their own groups, its agents.
afterEach(() => dirs.removeAll())

describe('agentapi-proxy server with sessions', () => {
  it('runs echo-agent sessions and leaves no process behind after SIGTERM', async () => {
    const dir = dirs.make('aap-cli-sessions-')
    const workdirRoot = join(dir, 'sessions')
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        start_port: 24_000 + Math.floor(Math.random() * 10_000),
        session: { workdir_root: workdirRoot },
      }),
    )
    const child = spawnCli(['server', '-p', '0'], { cwd: dir, env: { ECHO_AGENT_DELAY_MS: '20' } })
    const { stderr, exited } = watch(child)
    const [, url] = await stderr.waitFor(/listening\s+(http:\/\/\S+)/)

    try {
      const ids: string[] = []
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${url}/start`, { method: 'POST' })
        expect(res.status).toBe(201)
        ids.push(((await res.json()) as { session_id: string }).session_id)
      }
      for (const id of ids) {
        await eventually(async () => {
          const s = (await (await fetch(`${url}/sessions/${id}`)).json()) as { status: string }
          return s.status === 'active' ? true : undefined
        })
      }
      expect(agentGroupsUnder(workdirRoot)).toHaveLength(3)
    } finally {
      // Graceful stop, whatever happened above: a failed assertion must not leave agents behind.
      child.kill('SIGTERM')
    }
    expect((await exited).code).toBe(0)
    expect(agentGroupsUnder(workdirRoot)).toEqual([])
  })
})
