// `pnpm bench soak`: SOAK_CLIENTS (200) concurrent clients over SOAK_SESSIONS (20) echo-agent
// sessions for SOAK_SECONDS (300) against the built server (dist/, its own process, SQLite, API
// key auth). Clients poll status, read messages, send messages (waiting for `stable`), follow
// `/:id/events` for a few seconds and leave, and read `/sessions/:id` and `/search` (the mix is
// in soak-workload.ts). Every SOAK_WINDOW (10) s: requests, errors, refusals, p50/p99 and the
// proxy's RSS (VmRSS of the server process alone; its agents are summed apart), as a table and
// as a chart written to SOAK_CHART (docs/soak.svg). Prints figures; asserts nothing.
// SOAK_THINK_MS (100): mean pause between a client's actions. SOAK_AGENT_DELAY_MS (100): the
// echo agent's phase length (ack, each reply update, settle).
import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { type DistServer, startDistServer } from './dist-server.ts'
import { descendants, killLeftovers, type ProcessId, rssSum, running } from './process-tree.ts'
import { SoakRecord } from './soak-record.ts'
import { printReport, type Row, rowCells, type Settings, writeChart } from './soak-report.ts'
import { client } from './soak-workload.ts'
import { percentile } from './stats.ts'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const SECONDS = env('SOAK_SECONDS', 300)
const CLIENTS = env('SOAK_CLIENTS', 200)
const SESSIONS = env('SOAK_SESSIONS', 20)
const WINDOW_S = env('SOAK_WINDOW', 10)
const THINK_MS = env('SOAK_THINK_MS', 100)
const AGENT_DELAY_MS = env('SOAK_AGENT_DELAY_MS', 100)
const CHART =
  process.env.SOAK_CHART ?? fileURLToPath(new URL('../../../docs/soak.svg', import.meta.url))
// The server passes it on to its agents (session.inherit_env below).
process.env.ECHO_AGENT_DELAY_MS = String(AGENT_DELAY_MS)

const KEY = `soak-${randomUUID()}`
const HEADERS = { 'x-api-key': KEY }
const PERMISSIONS = ['session:create', 'session:list', 'session:delete', 'session:access']

async function startSession(server: DistServer): Promise<string> {
  const res = await fetch(`${server.url}/start`, {
    method: 'POST',
    headers: { ...HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ tags: { bench: 'soak' } }),
  })
  if (res.status !== 201) throw new Error(`POST /start → ${res.status} ${await res.text()}`)
  const { session_id: id } = (await res.json()) as { session_id: string }
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const got = await fetch(`${server.url}/sessions/${id}`, { headers: HEADERS })
    const { status } = (await got.json()) as { status: string }
    if (status === 'active') return id
    if (status !== 'starting') throw new Error(`session ${id} ended ${status}`)
    await sleep(50)
  }
  throw new Error(`session ${id} not active in 60 s`)
}

const homes = mkdtempSync(join(tmpdir(), 'aap-soak-homes-'))
const server = await startDistServer({
  start_port: 20_000 + Math.floor(Math.random() * 10_000),
  auth: {
    enabled: true,
    static: {
      enabled: true,
      api_keys: [{ key: KEY, user_id: 'soak', role: 'member', permissions: PERMISSIONS }],
    },
  },
  session: {
    home_root: homes,
    max_sessions: SESSIONS + 10,
    max_sessions_per_user: SESSIONS + 10,
    inherit_env: ['PATH', 'LANG', 'HOME', 'TMPDIR', 'ECHO_AGENT_DELAY_MS'],
  },
})
// Every process the server started, as seen at each sample: killed if it outlives the server.
const seen = new Map<string, ProcessId>()
const agents = () => {
  const found = descendants(server.pid)
  for (const p of found) seen.set(`${p.pid}:${p.started}`, p)
  return found
}
const sessions: string[] = []
const stop = new AbortController()
// Every client's request listens to it.
setMaxListeners(0, stop.signal)
const pool = new Pool(server.url, { connections: CLIENTS, headersTimeout: 30_000 })

let sampler: NodeJS.Timeout | undefined
let cleaning: Promise<void> | undefined
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    stop.abort()
    clearInterval(sampler)
    await pool.destroy().catch(() => {})
    const remove = (id: string) =>
      fetch(`${server.url}/sessions/${id}`, {
        method: 'DELETE',
        headers: HEADERS,
        signal: AbortSignal.timeout(10_000),
      }).catch(() => {})
    if (running(server.pid)) await Promise.all(sessions.map(remove))
    if (running(server.pid)) await Promise.race([server.stop(), sleep(15_000)])
    if (running(server.pid)) process.kill(server.pid, 'SIGKILL')
    const killed = killLeftovers([...seen.values()])
    if (killed.length > 0)
      console.error(`killed ${killed.length} processes the server left:\n${killed.join('\n')}`)
    rmSync(server.dir, { recursive: true, force: true })
    rmSync(homes, { recursive: true, force: true })
  })()
  return cleaning
}

// Ctrl-C reaches the server too (same process group), which then stops its agents itself; any
// it leaves (it was killed, or this process was) are killed from the list above.
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    interrupted = true
    console.error(`\n${signal}: stopping the server and its agents; no report`)
    cleanUp().finally(() => process.exit(130))
  })

const record = new SoakRecord()
const rows: Row[] = []
let startedAt = 0

function sample(): Row {
  const window = record.cut()
  const found = agents()
  return {
    at: Math.round((performance.now() - startedAt) / 1000),
    requests: window.requests,
    errors: window.errors,
    refused: window.refused,
    p50: percentile(window.latencies, 50),
    p99: percentile(window.latencies, 99),
    proxyRss: server.rss(),
    agentsRss: rssSum(found),
    agents: found.length,
    streams: record.cutPeak(),
  }
}

try {
  const t0 = performance.now()
  for (let i = 0; i < SESSIONS; i += 5) {
    const batch = Array.from({ length: Math.min(5, SESSIONS - i) }, () => startSession(server))
    sessions.push(...(await Promise.all(batch)))
    agents()
  }
  console.log(
    `${SESSIONS} sessions active in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `${CLIENTS} clients for ${SECONDS} s on ${availableParallelism()} CPUs\n`,
  )
  const loadAtStart = loadavg()[0] as number
  startedAt = performance.now()
  rows.push(sample())
  let failure: unknown
  sampler = setInterval(() => {
    try {
      const row = sample()
      rows.push(row)
      console.log(rowCells(row, WINDOW_S).join('  '))
    } catch (error) {
      // The server is gone (its /proc entry with it): stop, clean up, and say why.
      failure = new Error(`server process ${server.pid} is gone`, { cause: error })
      stop.abort()
    }
  }, WINDOW_S * 1000)
  const workload = {
    pool,
    headers: HEADERS,
    sessions,
    record,
    deadline: startedAt + SECONDS * 1000,
    thinkMs: THINK_MS,
    signal: stop.signal,
  }
  // At the deadline, requests in flight are cut short and not counted, and subscribers leave.
  const deadline = setTimeout(() => stop.abort(), SECONDS * 1000)
  await Promise.all(Array.from({ length: CLIENTS }, () => client(workload)))
  clearTimeout(deadline)
  clearInterval(sampler)
  if (failure) throw failure
  if (!interrupted) {
    // Requests that completed after the last full window form a short last row.
    if (performance.now() - startedAt > (rows.at(-1)?.at ?? 0) * 1000 + 500) rows.push(sample())
    const settings: Settings = {
      seconds: SECONDS,
      clients: CLIENTS,
      sessions: SESSIONS,
      windowSeconds: WINDOW_S,
      thinkMs: THINK_MS,
      agentDelayMs: AGENT_DELAY_MS,
      load: [loadAtStart, loadavg()[0] as number],
    }
    printReport(rows, record, settings)
    writeChart(rows, settings, CHART)
  }
} finally {
  await cleanUp()
}
