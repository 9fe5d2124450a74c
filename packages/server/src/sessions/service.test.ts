import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ECHO_AGENT,
  eventually,
  isAlive,
  user,
  useSessionServices,
} from '../../test/sessions-fixture.ts'
import { AGENT_SECRET_HEADER } from '../agent-guard/contract.ts'
import { ANONYMOUS_ADMIN } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import { MemorySessionStore } from '../store/memory.ts'
import { sparseRecord } from '../store/sample-records.ts'
import type { SessionRecord } from '../store/session-record.ts'
import { TempDirs } from '../testing/temp-dir.ts'
import { RepositoryPolicy } from './repository-policy.ts'

const EXIT_AGENT = fileURLToPath(
  new URL('../../test/fixtures/agents/ready-then-exit.mjs', import.meta.url),
)
const alice = user('alice')
const bob = user('bob')
const origins = new TempDirs()
afterEach(() => origins.removeAll())

async function secretOf(store: MemorySessionStore, sessionId: string): Promise<string> {
  const secret = (await store.get(sessionId))?.agent_secret
  if (!secret) throw new Error(`session ${sessionId} has no agent secret`)
  return secret
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

describe('SessionService', () => {
  const newService = useSessionServices()

  it('starts an echo agent, talks to it on its port, and stops it on delete', async () => {
    const { service, store } = newService()
    const started = await service.start(alice, { tags: { team: 'infra' } })
    expect(started).toMatchObject({
      status: 'starting',
      user_id: 'alice',
      agent: 'echo',
      tags: { team: 'infra' },
    })

    const active = await eventually(async () => {
      const s = await service.get(alice, started.session_id)
      return s.status === 'active' && s.agent_status === 'stable' ? s : undefined
    })
    expect(active.port).toBeGreaterThan(0)
    const agent = `http://127.0.0.1:${active.port}`
    const secret = await secretOf(store, started.session_id)
    const sent = await fetch(`${agent}/message`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [AGENT_SECRET_HEADER]: secret },
      body: JSON.stringify({ content: 'ping', type: 'user' }),
    })
    expect(sent.status).toBe(200)
    const reply = await eventually(async () => {
      const { messages } = (await (
        await fetch(`${agent}/messages`, { headers: { [AGENT_SECRET_HEADER]: secret } })
      ).json()) as {
        messages: { role: string; content: string }[]
      }
      const last = messages.at(-1)
      return last?.role === 'agent' && last.content.includes('ping') ? last : undefined
    })
    expect(reply.content).toContain('ping')

    const pid = await pidOf(store, started.session_id)
    expect(await service.delete(alice, started.session_id)).toEqual({
      session_id: started.session_id,
      status: 'terminated',
    })
    expect(isAlive(pid)).toBe(false)
    expect((await service.get(alice, started.session_id)).status).toBe('stopped')
    expect((await service.lookup(started.session_id))?.status).toBe('stopped')
  })

  it('sends the first message once the agent is stable', async () => {
    const { service, store } = newService()
    const { session_id } = await service.start(alice, { message: 'hello from the start' })
    const port = await eventually(
      async () => (await service.get(alice, session_id)).port ?? undefined,
    )
    const headers = { [AGENT_SECRET_HEADER]: await secretOf(store, session_id) }
    const messages = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/messages`, { headers }).catch(() => null)
      const body = (await res?.json()) as
        | { messages: { role: string; content: string }[] }
        | undefined
      const echoed = body?.messages.filter((m) => m.content.includes('hello from the start'))
      return echoed && echoed.length >= 2 ? body?.messages : undefined
    })
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'hello from the start',
    ])
  })

  it('marks a session failed with the exit code when its agent exits by itself', async () => {
    const { service } = newService({
      agent: {
        kind: 'custom',
        command: [process.execPath, EXIT_AGENT, '{port}', '7', '300'],
        description: 'exit',
      },
    })
    const { session_id } = await service.start(alice, {})
    const failed = await eventually(async () => {
      const s = await service.get(alice, session_id)
      return s.status === 'failed' ? s : undefined
    })
    expect(failed.exit_code).toBe(7)
    expect(failed.error).toContain('exited by itself with code 7')
    expect(failed.log_tail.join('\n')).toContain('exiting with 7')
  })

  it('fails a start that is never ready and leaves no process behind', async () => {
    const { service, store } = newService({
      agent: { kind: 'custom', command: ['sleep', '600'], description: 'sleep' },
      limits: { startupTimeoutMs: 500 },
    })
    const { session_id } = await service.start(alice, {})
    const pid = await pidOf(store, session_id)
    const failed = await eventually(async () => {
      const s = await service.get(alice, session_id)
      return s.status === 'failed' ? s : undefined
    })
    expect(failed.error).toBe('The agent was not ready within 500ms')
    await eventually(async () => (isAlive(pid) ? undefined : true))
  })

  it('fails a start whose command exits at once, with its exit code and output', async () => {
    const { service } = newService({
      agent: {
        kind: 'custom',
        command: ['bash', '-c', 'echo cannot start >&2; exit 3'],
        description: 'x',
      },
    })
    const { session_id } = await service.start(alice, {})
    const failed = await eventually(async () => {
      const s = await service.get(alice, session_id)
      return s.status === 'failed' ? s : undefined
    })
    expect(failed.exit_code).toBe(3)
    expect(failed.log_tail).toContain('cannot start')
  })

  it('stops every agent on shutdown', async () => {
    const { service, store } = newService()
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await service.start(alice, {})).session_id),
    )
    const pids = await Promise.all(ids.map((id) => pidOf(store, id)))
    await Promise.all(
      ids.map((id) =>
        eventually(async () =>
          (await service.lookup(id))?.status === 'active' ? true : undefined,
        ),
      ),
    )
    await service.shutdown()
    expect(pids.filter(isAlive)).toEqual([])
    expect((await service.get(alice, ids[0] as string)).status).toBe('stopped')
  })

  it('stops a session with no proxied traffic for idle_timeout, and keeps a touched one', async () => {
    const { service } = newService({ limits: { idleTimeoutMs: 1_500 } })
    const idle = await service.start(alice, {})
    const busy = await service.start(alice, {})
    await eventually(async () =>
      (await service.lookup(busy.session_id))?.status === 'active' ? true : undefined,
    )
    const keepBusy = setInterval(() => service.touch(busy.session_id), 100)
    try {
      const stopped = await eventually(async () => {
        const s = await service.get(alice, idle.session_id)
        return s.status === 'stopped' ? s : undefined
      })
      expect(stopped.error).toBe('Stopped after 1.5s without proxied traffic')
      expect((await service.lookup(busy.session_id))?.status).toBe('active')
    } finally {
      clearInterval(keepBusy)
    }
  })

  it('says a session is active only once its row does, as other replicas read it', async () => {
    // A store that takes 300 ms to record the activation, as a loaded database might.
    class SlowToActivate extends MemorySessionStore {
      override async update(id: string, patch: Partial<SessionRecord>) {
        if (patch.status === 'active') await new Promise((resolve) => setTimeout(resolve, 300))
        return super.update(id, patch)
      }
    }
    const store = new SlowToActivate()
    const { service } = newService({ store })
    const { session_id } = await service.start(alice, {})
    const stored = await eventually(async () =>
      (await service.lookup(session_id))?.status === 'active'
        ? ((await store.get(session_id))?.status ?? null)
        : undefined,
    )
    expect(stored).toBe('active')
  })

  it('counts idle time from when the session became active, not from its start', async () => {
    // The agent takes 2 s to start, longer than the idle timeout.
    const slow = ['bash', '-c', 'sleep 2; exec "$@"', 'slow-start', ...ECHO_AGENT.command]
    const { service } = newService({
      limits: { idleTimeoutMs: 1_500 },
      agent: { ...ECHO_AGENT, command: slow },
    })
    const { session_id } = await service.start(alice, {})
    await eventually(async () =>
      (await service.lookup(session_id))?.status === 'active' ? true : undefined,
    )
    const activeAt = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect((await service.lookup(session_id))?.status).toBe('active')
    await eventually(async () =>
      (await service.get(alice, session_id)).status === 'stopped' ? true : undefined,
    )
    expect(Date.now() - activeAt).toBeGreaterThan(1_000)
  })

  it("gives the agent its owner's role env file, and keeps the role for a restart", async () => {
    const { service, store } = newService({
      agent: {
        kind: 'custom',
        command: ['bash', '-c', 'echo "role var is [$ROLE_VAR]"; exec sleep 600'],
        description: 'print',
      },
      roleEnv: (role) => (role === 'developer' ? { ROLE_VAR: 'from developer.env' } : undefined),
      limits: { startupTimeoutMs: 300 },
    })
    const { session_id } = await service.start(user('dora', 'developer'), {})
    const failed = await eventually(async () => {
      const s = await service.get(ANONYMOUS_ADMIN, session_id)
      return s.status === 'failed' ? s : undefined
    })
    expect(failed.log_tail).toContain('role var is [from developer.env]')
    expect((await store.get(session_id))?.owner_role).toBe('developer')
  })

  it('restarts a session stored under an older policy without the names now refused', async () => {
    const { service, store } = newService({
      agent: {
        kind: 'custom',
        command: ['bash', '-c', 'echo "opts=[$GIT_TEMPLATE_DIR] app=[$APP_OK]"; exec sleep 600'],
        description: 'print',
      },
      limits: { startupTimeoutMs: 300 },
    })
    const record = sparseRecord({
      status: 'suspended',
      environment: { GIT_TEMPLATE_DIR: '/tmp/elsewhere', APP_OK: 'yes' },
    })
    await store.insert(record)
    expect((await service.restore()).restarted).toBe(1)
    const failed = await eventually(async () => {
      const s = await service.get(ANONYMOUS_ADMIN, record.session_id)
      return s.status === 'failed' ? s : undefined
    })
    expect(failed.log_tail).toContain('opts=[] app=[yes]')
  })

  it('refuses environment variables that hijack the agent, naming each', async () => {
    const { service } = newService()
    const error = await errorOf(
      service.start(alice, {
        environment: { LD_PRELOAD: '/tmp/x.so', APP_SAFE: '1', AGENTAPI_PORT: '1', SAFE: '1' },
      }),
    )
    expect(error.status).toBe(422)
    expect(error.errors?.map((e) => e.path)).toEqual([
      'environment.LD_PRELOAD',
      'environment.AGENTAPI_PORT',
      'environment.SAFE',
    ])
  })

  it('answers 429 with Retry-After at the per-user and the global limit', async () => {
    const { service } = newService({ limits: { maxSessionsPerUser: 1, maxSessions: 2 } })
    await service.start(alice, {})
    const perUser = await errorOf(service.start(alice, {}))
    expect(perUser.status).toBe(429)
    expect(perUser.headers['Retry-After']).toBe('30')
    expect(perUser.detail).toContain('per-user limit')
    await service.start(bob, {})
    const global = await errorOf(service.start(user('carol'), {}))
    expect(global.status).toBe(429)
    expect(global.detail).toContain('its limit')
  })

  it('shows users only their own sessions; an admin sees all', async () => {
    const { service } = newService()
    const a = await service.start(alice, { tags: { team: 'a' } })
    await service.start(bob, { tags: { team: 'b' } })
    expect((await service.search(alice, { limit: 50 })).sessions.map((s) => s.user_id)).toEqual([
      'alice',
    ])
    expect((await service.search(alice, { limit: 50, user_id: 'bob' })).sessions).toEqual([])
    expect((await service.search(ANONYMOUS_ADMIN, { limit: 50 })).sessions).toHaveLength(2)
    const notYours = await errorOf(service.get(bob, a.session_id))
    expect(notYours.code).toBe('session_not_found')
    expect((await errorOf(service.delete(bob, a.session_id))).code).toBe('session_not_found')
    const forOther = await errorOf(service.start(alice, { user_id: 'bob' }))
    expect(forOther.code).toBe('forbidden')
    expect((await service.start(ANONYMOUS_ADMIN, { user_id: 'carol' })).user_id).toBe('carol')
  })

  it('filters by tags and status and pages newest first with a cursor', async () => {
    const { service } = newService()
    const ids: string[] = []
    for (const team of ['x', 'y', 'x', 'x'])
      ids.push((await service.start(alice, { tags: { team } })).session_id)
    const first = await service.search(alice, { limit: 2, 'tag.team': 'x' })
    expect(first.sessions.map((s) => s.session_id)).toEqual([ids[3], ids[2]])
    const second = await service.search(alice, {
      limit: 2,
      'tag.team': 'x',
      cursor: first.next_cursor ?? '',
    })
    expect(second.sessions.map((s) => s.session_id)).toEqual([ids[0]])
    expect(second.next_cursor).toBeNull()
    await service.delete(alice, ids[1] as string)
    const stopped = await service.search(alice, { limit: 10, status: ['stopped'] })
    expect(stopped.sessions.map((s) => s.session_id)).toEqual([ids[1]])
  })

  it("returns the tail of the agent's output", async () => {
    const { service } = newService()
    const { session_id } = await service.start(alice, {})
    await eventually(async () =>
      (await service.lookup(session_id))?.status === 'active' ? true : undefined,
    )
    const logs = await service.logs(alice, session_id, 50)
    expect(logs.lines.join('\n')).toContain('Starting server on port')
    expect((await service.logs(alice, session_id, 1)).lines).toHaveLength(1)
  })

  it('gives concurrent starts distinct ports and workdirs', async () => {
    const { service } = newService()
    const started = await Promise.all(Array.from({ length: 10 }, () => service.start(alice, {})))
    const sessions = await Promise.all(
      started.map((s) =>
        eventually(async () => {
          const got = await service.get(alice, s.session_id)
          return got.status !== 'starting' ? got : undefined
        }, 20_000),
      ),
    )
    expect(sessions.map((s) => [s.status, s.error])).toEqual(sessions.map(() => ['active', null]))
    expect(new Set(sessions.map((s) => s.port)).size).toBe(10)
  }, 30_000)

  it('clones a repository into the workdir before the agent starts, without storing the token', async () => {
    const origin = makeGitRepository()
    const repositoryPolicy = new RepositoryPolicy({
      githubUrl: 'https://github.com',
      allowLocal: true,
    })
    const { service, workdirRoot } = newService({ repositoryPolicy })
    const { session_id } = await service.start(alice, {
      repository: `file://${origin}`,
      environment: { GITHUB_TOKEN: 'ghp_not_a_real_token_123' },
    })
    await eventually(async () =>
      (await service.lookup(session_id))?.status === 'active' ? true : undefined,
    )
    const workdir = join(workdirRoot, session_id)
    expect(readFileSync(join(workdir, 'README.md'), 'utf8')).toBe('hello from git\n')
    expect(readFileSync(join(workdir, '.git', 'config'), 'utf8')).not.toContain(
      'ghp_not_a_real_token_123',
    )
    await service.delete(alice, session_id)
    expect(existsSync(workdir)).toBe(false)
  })
})

/** The agent's pid, once the provisioner has started it. */
function pidOf(store: MemorySessionStore, id: string): Promise<number> {
  return eventually(async () => {
    const pid = (await store.get(id))?.handle?.pid
    return typeof pid === 'number' ? pid : undefined
  })
}

function makeGitRepository(): string {
  const dir = origins.make('aap-origin-')
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir })
  git('init', '--quiet')
  writeFileSync(join(dir, 'README.md'), 'hello from git\n')
  git('add', 'README.md')
  git('commit', '--quiet', '-m', 'first')
  return dir
}
