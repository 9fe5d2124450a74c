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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { type DistServer, startDistServer } from './dist-server.ts'
import { descendants, killLeftovers, type ProcessId, rssSum, running } from './process-tree.ts'
import { ms, SoakRecord } from './soak-record.ts'
import { client } from './soak-workload.ts'
import { percentile, printTable } from './stats.ts'
import { svgChart } from './svg-chart.ts'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const SECONDS = env('SOAK_SECONDS', 300)
const CLIENTS = env('SOAK_CLIENTS', 200)
const SESSIONS = env('SOAK_SESSIONS', 20)
const WINDOW_S = env('SOAK_WINDOW', 10)
const THINK_MS = env('SOAK_THINK_MS', 100)
const CHART =
  process.env.SOAK_CHART ?? fileURLToPath(new URL('../../../docs/soak.svg', import.meta.url))
process.env.ECHO_AGENT_DELAY_MS = String(env('SOAK_AGENT_DELAY_MS', 100))

const KEY = `soak-${randomUUID()}`
const HEADERS = { 'x-api-key': KEY }
const PERMISSIONS = ['session:create', 'session:list', 'session:delete', 'session:access']

/** One row of the table: the window that ended `at` seconds in, and the samples taken then. */
interface Row {
  at: number
  requests: number
  errors: number
  refused: number
  p50: number
  p99: number
  proxyRss: number
  agentsRss: number
  agents: number
  streams: number
}

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
const mib = (bytes: number) => bytes / 2 ** 20
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

const cells = (r: Row) => [
  `${r.at} s`,
  r.requests,
  Math.round(r.requests / WINDOW_S),
  r.errors,
  r.refused,
  ms(r.p50),
  ms(r.p99),
  `${mib(r.proxyRss).toFixed(1)} MiB`,
  `${mib(r.agentsRss).toFixed(0)} MiB (${r.agents})`,
  r.streams,
]
const HEADER = [
  'elapsed',
  'requests',
  'req/s',
  'errors',
  'refused',
  'p50',
  'p99',
  'proxy RSS',
  'agents RSS (procs)',
  'SSE open (max)',
]

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
  startedAt = performance.now()
  rows.push(sample())
  sampler = setInterval(() => {
    const row = sample()
    rows.push(row)
    console.log(cells(row).join('  '))
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
  if (!interrupted) {
    // Requests that completed after the last full window form a short last row.
    if (performance.now() - startedAt > (rows.at(-1)?.at ?? 0) * 1000 + 500) rows.push(sample())
    report()
  }
} finally {
  await cleanUp()
}

function report(): void {
  const first = rows[0] as Row
  const last = rows.at(-1) as Row
  const warm = rows[1] ?? first
  const max = Math.max(...rows.map((r) => r.proxyRss))
  const all = record.overall()
  const mb = (bytes: number) => `${mib(bytes).toFixed(1)} MiB`
  console.log(
    `\n${CLIENTS} clients, ${SESSIONS} sessions, ${SECONDS} s, think ${THINK_MS} ms, ` +
      `echo agent ${process.env.ECHO_AGENT_DELAY_MS} ms phases; proxy RSS is the server ` +
      `process alone, agents RSS sums its descendants (agents, sandboxes, log writers)\n`,
  )
  printTable(HEADER, rows.map(cells))
  console.log('')
  printTable(
    ['requests', 'req/s', 'errors', 'refused', 'p50', 'p99', 'RSS start', 'end', 'max', 'growth'],
    [
      [
        all.requests,
        Math.round(all.requests / SECONDS),
        all.errors,
        all.refused,
        ms(percentile(all.latencies, 50)),
        ms(percentile(all.latencies, 99)),
        mb(first.proxyRss),
        mb(last.proxyRss),
        mb(max),
        `${mb(last.proxyRss - first.proxyRss)} (${mb(last.proxyRss - warm.proxyRss)} after ${warm.at} s)`,
      ],
    ],
  )
  console.log('\nby action:\n')
  printTable(['action', 'requests', 'errors', 'refused', 'p50', 'p99'], record.actions())
  for (const which of ['errors', 'refusals'] as const) {
    const top = record.top(which)
    console.log(`\ntop ${which}: ${top.length === 0 ? 'none' : ''}`)
    for (const [kind, count] of top) console.log(`  ${String(count).padStart(7)}  ${kind}`)
  }
  writeChart()
}

function writeChart(): void {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ')
  const windows = rows.slice(1)
  const svg = svgChart({
    title: 'agentapi-proxy soak: proxy memory and latency',
    subtitle:
      `${date} UTC · ${SECONDS} s · ${CLIENTS} clients · ${SESSIONS} sessions · ` +
      `echo agent, SQLite, ${availableParallelism()} CPUs`,
    xLabel: 'elapsed (s)',
    panels: [
      {
        label: 'RSS (MiB)',
        series: [
          { name: 'proxy RSS', color: '#2563eb', points: rows.map((r) => [r.at, mib(r.proxyRss)]) },
        ],
      },
      {
        label: `latency per ${WINDOW_S} s window (ms)`,
        series: [
          { name: 'p99', color: '#dc2626', points: windows.map((r) => [r.at, r.p99]) },
          {
            name: 'p50',
            color: '#9ca3af',
            points: windows.map((r) => [r.at, r.p50]),
            dashed: true,
          },
        ],
      },
    ],
  })
  writeFileSync(CHART, svg)
  console.log(`\nchart: ${CHART}`)
}
