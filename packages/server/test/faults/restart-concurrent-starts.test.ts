import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { Session } from '@agentapi-proxy/shared'
import { afterEach, describe, expect, it } from 'vitest'
import { processesUnder } from '../../src/provisioners/process-table.ts'
import { eventually } from '../../src/testing/eventually.ts'
import {
  type FaultSetup,
  faultSetup,
  startFaultServer,
  stopAll,
  untilReady,
} from '../fault-server.ts'
import type { ServerProcess } from '../server-process.ts'

const STARTS = 20
// How many starts have answered when the proxy is killed: the rest are still in flight, and
// the agents of the answered ones are still starting up.
const KILL_AFTER = 10

const setups: FaultSetup[] = []
afterEach(async () => {
  for (const setup of setups.splice(0)) await stopAll(setup)
})

type Outcome = { status: number; id: string | null } | { error: string }

/** Fires `count` starts at once; calls `onAnswer` with how many have answered so far. */
function concurrentStarts(server: ServerProcess, count: number, onAnswer: (n: number) => void) {
  let answered = 0
  return Promise.all(
    Array.from({ length: count }, async (_, i): Promise<Outcome> => {
      try {
        const res = await fetch(`${server.url}/start`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ tags: { n: String(i) } }),
          signal: AbortSignal.timeout(60_000),
        })
        const body = (await res.json()) as { session_id?: string }
        onAnswer(++answered)
        return { status: res.status, id: body.session_id ?? null }
      } catch (error) {
        return { error: (error as Error).message }
      }
    }),
  )
}

async function session(server: ServerProcess, id: string): Promise<Session> {
  const res = await fetch(`${server.url}/sessions/${id}`)
  if (!res.ok) throw new Error(`GET /sessions/${id} → ${res.status}`)
  return (await res.json()) as Session
}

async function allSessions(server: ServerProcess): Promise<Session[]> {
  const res = await fetch(`${server.url}/search?limit=100`)
  const { sessions } = (await res.json()) as { sessions: { session_id: string }[] }
  return Promise.all(sessions.map((s) => session(server, s.session_id)))
}

/** The agents running under `root`, as the session each one's workdir names. */
function agentsByWorkdir(root: string): Map<number, string> {
  return new Map(
    processesUnder(root)
      .filter((p) => p.pid === p.pgid && p.state !== 'Z')
      .map((p) => [p.pid, relative(root, p.cwd).split(sep)[0] ?? '']),
  )
}

describe('proxy SIGKILL during 20 concurrent starts', () => {
  it('after the restart every session is active or failed with a reason, and no agent is left without one', async () => {
    const setup = faultSetup((dir) => ({ path: join(dir, 'data', 'proxy.sqlite') }), {
      session: { max_sessions: 100, max_sessions_per_user: 100, max_concurrent_starts: STARTS },
    })
    setups.push(setup)
    const workdirRoot = join(setup.dir, 'sessions')
    const first = await startFaultServer(setup)

    // Only the proxy's own process: its agents lead groups of their own and outlive it.
    const outcomes = await concurrentStarts(first, STARTS, (n) => {
      if (n === KILL_AFTER) first.child.kill('SIGKILL')
    })
    await first.exited
    const agentsAtKill = agentsByWorkdir(workdirRoot).size
    const accepted = outcomes.flatMap((o) => ('status' in o && o.status === 201 && o.id) || [])
    expect(accepted.length).toBeGreaterThanOrEqual(KILL_AFTER)

    const restartedAt = Date.now()
    const second = await startFaultServer(setup)
    await untilReady(second, 200)
    // Nothing stays half-started: each session settles as active, or as failed saying why.
    const settled = await eventually(async () => {
      const sessions = await allSessions(second)
      return sessions.every((s) => s.status !== 'starting' && s.status !== 'stopping')
        ? sessions
        : undefined
    }, 90_000)
    const settleMs = Date.now() - restartedAt
    const adopted = second.output().split('adopted agent').length - 1

    const ids = new Set(settled.map((s) => s.session_id))
    for (const id of accepted) expect(ids, `accepted ${id} is gone`).toContain(id)
    const active = settled.filter((s) => s.status === 'active')
    const ended = settled.filter((s) => s.status !== 'active')
    for (const s of ended) {
      expect(s.status, s.session_id).toMatch(/^(failed|stopped)$/)
      expect(s.error, `${s.session_id} ended without a reason`).toBeTruthy()
    }
    for (const s of active) {
      const res = await fetch(`${second.url}/${s.session_id}/status`)
      expect(res.status, `${s.session_id} does not answer through the proxy`).toBe(200)
    }

    // One agent per active session, none for anything else.
    const agents = agentsByWorkdir(workdirRoot)
    expect([...agents.values()].sort()).toEqual(active.map((s) => s.session_id).sort())
    // A workdir is a session's, or gone.
    // (Dot-folders beside them hold the agents' logs and temp dirs.)
    const workdirs = readdirSync(workdirRoot).filter((name) => !name.startsWith('.'))
    for (const name of workdirs) expect(ids, `workdir ${name} has no session`).toContain(name)

    console.info(
      `restart-concurrent-starts: ${accepted.length}/${STARTS} answered 201 before the kill ` +
        `(${agentsAtKill} agents then), ${adopted} adopted, ` +
        `${settled.length} rows, ${active.length} active, ${ended.length} ended, ` +
        `${agents.size} agents, settled ${settleMs} ms after the restart`,
    )

    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    expect(processesUnder(workdirRoot).filter((p) => p.state !== 'Z')).toEqual([])
  }, 240_000)
})
