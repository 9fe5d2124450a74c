import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, describe, expect, it } from 'vitest'
import { type ServerProcess, startServerProcess } from '../../test/server-process.ts'
import { eventually, isAlive } from '../../test/sessions-fixture.ts'
import { processesUnder } from '../provisioners/process-table.ts'
import { probeBubblewrap } from '../provisioners/sandbox.ts'
import { stopGroup } from '../testing/process-group.ts'
import { TempDirs } from '../testing/temp-dir.ts'

type Sandbox = 'auto' | 'bubblewrap' | 'none'
const bwrap = probeBubblewrap(process.env.PATH)

interface Setup {
  configFile: string
  workdirRoot: string
}

const dirs = new TempDirs()

function setup(sandbox: Sandbox = 'auto'): Setup {
  const dir = dirs.make('aap-restore-')
  const workdirRoot = join(dir, 'sessions')
  const configFile = join(dir, 'config.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      port: 0,
      start_port: 20_000 + Math.floor(Math.random() * 30_000),
      persistence: { path: join(dir, 'proxy.sqlite') },
      session: {
        sandbox,
        workdir_root: workdirRoot,
        inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
      },
    }),
  )
  return { configFile, workdirRoot }
}

const running: ServerProcess[] = []
const STOP = { signal: 'SIGTERM', graceMs: 10_000 } as const
// Whatever a test left running (a failed assertion skips its own stop) is stopped gracefully,
// which stops its agents too; the agents of a server killed by the test are killed with the dir.
afterEach(async () => {
  const servers = running.splice(0)
  await Promise.all(servers.map((server) => stopGroup(server.child, STOP)))
  await dirs.removeAll()
})

async function start(s: Setup): Promise<ServerProcess> {
  const server = await startServerProcess(s.configFile, { ECHO_AGENT_DELAY_MS: '20' })
  running.push(server)
  return server
}

async function startSessions(server: ServerProcess, count: number) {
  const sessions: { session_id: string; user_id: string; tags: Record<string, string> }[] = []
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.url}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tags: { n: String(i), team: 'recovery' } }),
    })
    sessions.push(await res.json())
  }
  for (const { session_id } of sessions) await untilActive(server, session_id)
  return sessions
}

async function untilActive(server: ServerProcess, id: string) {
  return eventually(async () => {
    const s = (await (await fetch(`${server.url}/sessions/${id}`)).json()) as {
      status: string
      error: string | null
    }
    if (s.status === 'failed') throw new Error(`session ${id} failed: ${s.error}`)
    return s.status === 'active' ? s : undefined
  }, 20_000)
}

/** A round trip through the proxy: the agent echoes what it is sent. */
async function talksThroughProxy(server: ServerProcess, id: string): Promise<void> {
  await eventually(async () => {
    const res = await fetch(`${server.url}/${id}/status`)
    return res.ok && (await res.json()).status === 'stable' ? true : undefined
  })
  const sent = await fetch(`${server.url}/${id}/message`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ content: `still there ${id}`, type: 'user' }),
  })
  expect(sent.status).toBe(200)
  await eventually(async () => {
    const { messages } = await (await fetch(`${server.url}/${id}/messages`)).json()
    const last = messages.at(-1) as { role: string; content: string }
    return last.role === 'agent' && last.content.includes(`still there ${id}`) ? true : undefined
  })
}

// One per agent: each leads its own group. Members of that group run in its workdir too (tsx's
// esbuild service, started when the agent compiles a file its cache lacks), so counting every
// process under the root gave 3 or more, depending on when the agents compiled what.
/** What the process is: `bwrap` for a sandboxed agent, else the agent's own program. */
const command = (pid: number) =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.split('/').pop()

const agentPids = (s: Setup) =>
  processesUnder(s.workdirRoot)
    .filter((p) => p.pid === p.pgid)
    .map((p) => p.pid)
    .sort((a, b) => a - b)

describe('restart recovery', () => {
  it('after a graceful stop, keeps the sessions suspended and restarts them in their workdirs', async () => {
    const s = setup()
    const first = await start(s)
    const created = await startSessions(first, 2)
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(agentPids(s)).toEqual([]) // nothing left running while the proxy is down

    const second = await start(s)
    try {
      const search = await (await fetch(`${second.url}/search?tag.team=recovery`)).json()
      expect(search.sessions.map((x: { session_id: string }) => x.session_id).sort()).toEqual(
        created.map((x) => x.session_id).sort(),
      )
      for (const session of created) {
        expect(await untilActive(second, session.session_id)).toMatchObject({ tags: session.tags })
        await talksThroughProxy(second, session.session_id)
      }
      expect(agentPids(s)).toHaveLength(2)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  }, 60_000)
})

// With bubblewrap the process tree is bwrap → its init → the agent, all in the agent's group and
// run at the workdir's real path: adoption (by the workdir /proc shows) and reaping (by group)
// must work the same.
describe.each([
  { sandbox: 'bubblewrap' as const, skip: 'reason' in bwrap },
  { sandbox: 'none' as const, skip: false },
])('restart recovery with session.sandbox: $sandbox', ({ sandbox, skip }) => {
  it.skipIf(skip)(
    'after a crash (SIGKILL), adopts the agents still running: same ids, owners, tags, no duplicates',
    async () => {
      const s = setup(sandbox)
      const first = await start(s)
      const created = await startSessions(first, 3)
      const pids = agentPids(s)
      expect(pids).toHaveLength(3)
      expect(pids.map(command)).toEqual(
        pids.map(() => (sandbox === 'bubblewrap' ? 'bwrap' : 'node')),
      )

      first.child.kill('SIGKILL')
      await first.exited
      expect(pids.every(isAlive)).toBe(true) // the agents outlive the proxy

      const second = await start(s)
      try {
        for (const session of created) {
          const restored = await untilActive(second, session.session_id)
          expect(restored).toMatchObject({ user_id: session.user_id, tags: session.tags })
          await talksThroughProxy(second, session.session_id)
        }
        expect(agentPids(s)).toEqual(pids) // adopted, not started again
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
      // A graceful stop reaches every process of every adopted agent, sandbox and all.
      expect(processesUnder(s.workdirRoot)).toEqual([])
    },
    60_000,
  )

  it.skipIf(skip)(
    'after a crash between starting an agent and saving its address, starts it again with one agent',
    async () => {
      const s = setup(sandbox)
      const first = await start(s)
      const [session] = await startSessions(first, 1)
      const id = session?.session_id as string
      const orphans = agentPids(s)
      expect(orphans).toHaveLength(1)
      first.child.kill('SIGKILL')
      await first.exited
      // The row as such a crash leaves it: still starting, no address, no handle; the agent runs.
      const db = new Database(JSON.parse(readFileSync(s.configFile, 'utf8')).persistence.path)
      db.prepare(
        "update sessions set status = 'starting', agent_status = null, agent_url = null, handle = null where session_id = ?",
      ).run(id)
      db.close()

      const second = await start(s)
      try {
        await untilActive(second, id)
        await talksThroughProxy(second, id)
        // The agent nobody had an address for is gone; the session has exactly one.
        await eventually(async () => (orphans.some(isAlive) ? undefined : true))
        const now = agentPids(s)
        expect(now).toHaveLength(1)
        expect(now).not.toEqual(orphans)
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    },
    60_000,
  )

  it.skipIf(skip)(
    'stops an agent of ours that has no live session any more',
    async () => {
      const s = setup(sandbox)
      const first = await start(s)
      const [kept, gone] = await startSessions(first, 2)
      first.child.kill('SIGKILL')
      await first.exited
      // While the proxy was down, the second session was deleted from the database by hand: its
      // agent is now an orphan.
      const db = new Database(JSON.parse(readFileSync(s.configFile, 'utf8')).persistence.path)
      db.prepare("update sessions set status = 'stopped' where session_id = ?").run(
        gone?.session_id,
      )
      db.close()

      const second = await start(s)
      try {
        await untilActive(second, kept?.session_id as string)
        expect(agentPids(s)).toHaveLength(1)
        expect(processesUnder(join(s.workdirRoot, gone?.session_id as string))).toEqual([])
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    },
    60_000,
  )
})
