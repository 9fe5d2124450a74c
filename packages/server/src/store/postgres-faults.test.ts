import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, expect, it } from 'vitest'
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
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import { eventually } from '../testing/eventually.ts'

const clients: pg.Client[] = []
const setups: FaultSetup[] = []
const schemas: string[] = []
afterEach(async () => {
  for (const setup of setups.splice(0)) await stopAll(setup)
  // Ending the clients first lets go of a lock a failed test still holds.
  for (const client of clients.splice(0)) await client.end().catch(() => {})
  const admin = await connect()
  for (const schema of schemas.splice(0))
    await admin.query(`drop schema if exists ${schema} cascade`)
  await admin.end()
  clients.length = 0
})

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  clients.push(client)
  await client.connect()
  return client
}

/** The proxy's backends, by the application_name its URL gives it. */
function backends(admin: pg.Client, app: string) {
  return admin.query<{ pid: number; wait_event_type: string | null }>(
    'select pid, wait_event_type from pg_stat_activity where application_name = $1',
    [app],
  )
}

await describeWithPostgres('PostgreSQL store faults', () => {
  // Reproduction: with the proxy on PostgreSQL, hold `LOCK TABLE sessions IN EXCLUSIVE MODE`
  // (reads go on, writes wait: the proxy's backends are busy), DELETE a session and send
  // proxied traffic, then `select pg_terminate_backend(pid) from pg_stat_activity where
  // application_name = '<the proxy's>'`. Before: `Connection terminated unexpectedly …
  // Emitted 'error' event on Client`, the process exited 1.
  it('backends terminated while busy: the proxy stays up, /ready says 503, and no write is lost', async () => {
    const tag = randomBytes(6).toString('hex')
    const schema = `aap_fault_${tag}`
    const app = `aap-fault-${tag}`
    const url = new URL(POSTGRES_URL)
    url.searchParams.set('application_name', app)
    schemas.push(schema)
    // A key in the config: with PostgreSQL, a generated one would land in the cwd's `data/`.
    const encryption_key = randomBytes(32).toString('base64')
    const setup = faultSetup(() => ({ backend: 'postgres', url: url.href, schema, encryption_key }))
    setups.push(setup)
    const server = await startFaultServer(setup)
    const [stopped, busy] = await activeSessions(server, 2)
    if (!stopped || !busy) throw new Error('sessions did not start')

    const admin = await connect()
    const locker = await connect()
    await locker.query('begin')
    await locker.query(`lock table ${schema}.sessions in exclusive mode`)
    const trafficFrom = Date.now()
    const deleted = fetch(`${server.url}/sessions/${stopped}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(60_000),
    }).then(
      (res) => res.status,
      (error: Error) => error.message,
    )
    await eventually(async () => {
      const { rows } = await backends(admin, app)
      return rows.some((row) => row.wait_event_type === 'Lock') ? true : undefined
    })
    const terminated = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [app],
    )
    expect(terminated.rowCount).toBeGreaterThan(0)

    const answered = await proxiedTraffic(server, busy, 6_000)
    expect(alive(server), `exit ${server.child.exitCode}: ${server.output()}`).toBe(true)
    expect(answered).toBeGreaterThan(0)
    // Stopped, but not recorded while the store is down: the DELETE says so, and is sent again.
    expect(await deleted).toBe(503)
    const during = await ready(server)
    expect(during.status).toBe(503)
    expect(during.body).toMatchObject({ status: 'unavailable', checks: { store: 'error' } })

    await locker.query('rollback')
    await untilReady(server, 200)
    expect(alive(server)).toBe(true)
    const again = await fetch(`${server.url}/sessions/${stopped}`, { method: 'DELETE' })
    expect(again.status).toBe(200)
    const { rows } = await admin.query<{ session_id: string; status: string; last: string }>(
      `select session_id, status, last_activity_at as last from ${schema}.sessions`,
    )
    const stored = new Map(rows.map((row) => [row.session_id, row]))
    expect(stored.get(stopped)?.status).toBe('stopped')
    expect(Date.parse(stored.get(busy)?.last ?? '')).toBeGreaterThan(trafficFrom)
  }, 120_000)
})
