import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, describe, expect, it } from 'vitest'
import {
  activeSessions,
  alive,
  type FaultSetup,
  faultSetup,
  proxiedTraffic,
  ready,
  startFaultServer,
  stopAll,
  untilReady,
} from '../../test/fault-server.ts'

const setups: FaultSetup[] = []
afterEach(async () => {
  for (const setup of setups.splice(0)) await stopAll(setup)
})

function sqliteSetup() {
  const setup = faultSetup((dir) => ({ path: join(dir, 'data', 'proxy.sqlite') }))
  setups.push(setup)
  return { setup, path: join(setup.dir, 'data', 'proxy.sqlite') }
}

interface Row {
  session_id: string
  status: string
  last_activity_at: string
}

function rows(path: string): Map<string, Row> {
  const db = new Database(path, { readonly: true })
  try {
    const all = db.prepare('select session_id, status, last_activity_at from sessions').all()
    return new Map((all as Row[]).map((row) => [row.session_id, row]))
  } finally {
    db.close()
  }
}

describe('SQLite store faults', () => {
  // Reproduction: with the proxy running, hold SQLite's write lock from another process
  // (`sqlite3 data/proxy.sqlite` → `BEGIN EXCLUSIVE;`), then DELETE a session and send proxied
  // traffic to another. The issue made the WAL unwritable with chmod; tests run as root here,
  // where permissions do not stop a write, while another connection's exclusive lock fails
  // every write (SQLITE_BUSY after busy_timeout) for root too, and leaves reads working (WAL).
  // Before: `SqliteError … at SessionRuntime.save`, the process exited 1.
  it('a held write lock: the proxy stays up, /ready says 503, and every write lands once the lock is gone', async () => {
    const { setup, path } = sqliteSetup()
    const server = await startFaultServer(setup)
    const [stopped, busy, idle] = await activeSessions(server, 3)
    if (!stopped || !busy || !idle) throw new Error('sessions did not start')

    const lock = new Database(path)
    // The server may be writing (an agent's status) right now: wait for it, as sqlite3 would.
    lock.pragma('busy_timeout = 20000')
    lock.exec('BEGIN EXCLUSIVE')
    const trafficFrom = Date.now()
    try {
      const deleted = await fetch(`${server.url}/sessions/${stopped}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(30_000),
      })
      // A start while writes fail is refused, not half-made: no record, no agent.
      const refused = await fetch(`${server.url}/start`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(30_000),
      })
      expect(refused.status).toBe(503)
      expect(await refused.json()).toMatchObject({ code: 'service_unavailable' })
      const answered = await proxiedTraffic(server, busy, 12_000)
      expect(alive(server), `exit ${server.child.exitCode}: ${server.output()}`).toBe(true)
      expect(answered).toBeGreaterThan(0)
      // The agent stops, but its row cannot be written yet: not done until the store has it.
      expect(deleted.status).toBe(503)
      expect(await deleted.json()).toMatchObject({ code: 'service_unavailable' })
      const during = await ready(server)
      expect(during.status).toBe(503)
      expect(during.body).toMatchObject({ status: 'unavailable', checks: { store: 'error' } })
      expect(JSON.stringify(during.body)).toMatch(/SQLITE_BUSY/)
    } finally {
      lock.exec('COMMIT')
      lock.close()
    }

    await untilReady(server, 200)
    expect(alive(server)).toBe(true)
    const again = await fetch(`${server.url}/sessions/${stopped}`, { method: 'DELETE' })
    expect(again.status).toBe(200)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)

    // What the store holds after the fault: the stop and the activity written during it.
    const stored = rows(path)
    expect(stored.size).toBe(3)
    expect(stored.get(stopped)?.status).toBe('stopped')
    expect(Date.parse(stored.get(busy)?.last_activity_at ?? '')).toBeGreaterThan(trafficFrom)
    expect(stored.get(idle)?.status).toBe('suspended')

    const restarted = await startFaultServer(setup)
    for (const id of [stopped, busy, idle]) {
      const res = await fetch(`${restarted.url}/sessions/${id}`)
      expect(res.status).toBe(200)
    }
  }, 180_000)

  // Reproduction: `rm -rf data` under a running proxy, then `curl /ready`.
  // Before: 200 {"status":"ready","checks":{"store":"ok"}}, writes went to the unlinked file.
  it('the data directory deleted while running: /ready answers 503 naming the store', async () => {
    const { setup } = sqliteSetup()
    const server = await startFaultServer(setup)
    expect((await ready(server)).status).toBe(200)

    rmSync(join(setup.dir, 'data'), { recursive: true, force: true })

    const after = await ready(server)
    expect(after.status).toBe(503)
    expect(after.body).toMatchObject({ status: 'unavailable', checks: { store: 'error' } })
    expect(JSON.stringify(after.body)).toMatch(/removed or replaced/)
    expect(alive(server)).toBe(true)
  }, 60_000)
})
