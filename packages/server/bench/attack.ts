// `pnpm bench attack`: is the server still responsive under attack? The built server (dist/, its
// own process, auth on, SQLite, the echo agent, default limits and timeouts) runs 10 sessions;
// `GET /health` and a session's proxied `GET /<id>/status` are timed before the attack and while
// it is held, then everything is let go and the server's file descriptors are counted again.
// The attack: BENCH_STREAMS (1000) SSE streams on the sessions' `/<id>/events` and a tenth as
// many on `/sessions/events`, abandoned (never read after the head) once each session's stream
// was sent BENCH_MESSAGE_KB (512) KB twice over, more than the socket buffers hold; then
// BENCH_SLOWLORIS (500) slowloris connections, opened over one headers timeout and re-opened
// whenever the server closes one. Each attacker address (127.0.0.2…, 127.0.1.…, 127.0.2.…)
// holds 50 to 100 connections, under the server's cap per address (256), so that cap does not
// hide the attack; /health is timed from 127.0.0.1, BENCH_REQUESTS (2000) requests one after
// another on a fresh connection each, then as many on one kept-alive connection.
// A figure, not an assertion: the target is /health p99 under 50 ms during the attack.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { loadConfig } from '../src/index.ts'
import { type Abandoned, openAbandoned } from './abandoned-streams.ts'
import { type Phase, printReport, type Sample } from './attack-report.ts'
import { type DistServer, startDistServer } from './dist-server.ts'
import { timeRequests } from './latency.ts'
import { fdsOf, loadAverage, mb, openFilesLimit, scrape } from './server-figures.ts'
import { Slowloris } from './slowloris.ts'
import { socketQueues } from './socket-queues.ts'

const SLOWLORIS = Number(process.env.BENCH_SLOWLORIS ?? 500)
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000)
const SESSIONS = 10
// Besides the sessions' streams: the proxy's own session-event stream, abandoned the same way.
const EVENTS = Math.round(STREAMS / 10)
// One word this long, sent to each session once its streams are open: every stream gets it and
// the echo agent's reply with it, more than the kernel's buffers of an unread socket hold.
const MESSAGE_BYTES = Number(process.env.BENCH_MESSAGE_KB ?? 512) * 1024
const KEY = `bench-${process.pid}-${Date.now()}`
const AUTH = { 'X-API-Key': KEY }

const range = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${from + i}`)
const SLOWLORIS_FROM = range('127.0.0.', 2, Math.ceil(SLOWLORIS / 50))
const STREAMS_FROM = range('127.0.1.', 1, Math.ceil(STREAMS / 100))
const EVENTS_FROM = range('127.0.2.', 1, Math.ceil(EVENTS / 100))
const STREAM_PREFIXES = ['127.0.1.', '127.0.2.']
// A proxied stream holds two of the server's fds (the client's, the agent's); the rest one each.
const FDS = {
  server: SLOWLORIS + 2 * STREAMS + EVENTS + 100,
  generator: SLOWLORIS + STREAMS + EVENTS + 100,
}

async function call(server: DistServer, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...AUTH, 'content-type': 'application/json', ...init.headers },
  })
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${await res.text()}`)
  return res.json()
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function startSession(server: DistServer): Promise<string> {
  const { session_id: id } = (await call(server, '/start', { method: 'POST', body: '{}' })) as {
    session_id: string
  }
  await until(`session ${id}`, async () => {
    const { status } = (await call(server, `/sessions/${id}`)) as { status: string }
    return status === 'active'
  })
  return id
}

/** Sends each session one long message and waits until its agent is done answering. */
async function pump(server: DistServer, ids: string[]): Promise<void> {
  const content = 'x'.repeat(MESSAGE_BYTES)
  const body = JSON.stringify({ content, type: 'user' })
  await Promise.all(ids.map((id) => call(server, `/${id}/message`, { method: 'POST', body })))
  for (const id of ids) {
    await until(`session ${id} stable`, async () => {
      const { status } = (await call(server, `/${id}/status`)) as { status: string }
      return status === 'stable'
    })
  }
}

async function measurePhase(server: DistServer, ids: string[]): Promise<Phase> {
  const health = [`${server.url}/health`]
  const status = ids.map((id) => `${server.url}/${id}/status`)
  await scrape(server.url)
  return {
    health: {
      fresh: await timeRequests(health, REQUESTS, 'fresh'),
      'keep-alive': await timeRequests(health, REQUESTS, 'keep-alive'),
    },
    status: await timeRequests(status, REQUESTS / 4, 'keep-alive', AUTH),
    server: await scrape(server.url),
    fds: fdsOf(server.pid),
    rssMb: mb(server.rss()),
    load: loadAverage(),
  }
}

const server = await startDistServer({
  auth: {
    enabled: true,
    static: {
      enabled: true,
      api_keys: [{ key: KEY, user_id: 'bench', role: 'admin', permissions: ['*'] }],
    },
  },
  session: { max_sessions: SESSIONS, max_sessions_per_user: SESSIONS },
})
const { server: limits } = loadConfig({ file: join(server.dir, 'config.json'), env: {} }).config
const port = Number(new URL(server.url).port)
const slowloris = new Slowloris({
  port,
  count: SLOWLORIS,
  addresses: SLOWLORIS_FROM,
  paths: ['/health', '/sessions', '/'],
  trickleMs: 3_000,
})
const held: Abandoned[] = []
let stopping: Promise<void> | undefined
const release = () => {
  slowloris.stop()
  for (const streams of held.splice(0)) streams.close()
}
const cleanup = () => {
  stopping ??= (async () => {
    release()
    await server.stop()
    rmSync(server.dir, { recursive: true, force: true })
  })()
  return stopping
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(code)))

try {
  console.log(
    `open files limit (needed): server ${openFilesLimit(server.pid)} (~${FDS.server}), load ` +
      `generator ${openFilesLimit('self')} (~${FDS.generator}); server timeouts: ` +
      `headers ${limits.headers_timeout / 1000} s, request ${limits.request_timeout / 1000} s, ` +
      `keep-alive ${limits.keep_alive_timeout / 1000} s; caps ${limits.max_connections} ` +
      `connections, ${limits.max_connections_per_ip} per address; load average ${loadAverage()}`,
  )
  const ids: string[] = []
  for (let i = 0; i < SESSIONS; i++) ids.push(await startSession(server))
  await measurePhase(server, ids) // warm-up: JIT, the agents' connection pools
  const before = await measurePhase(server, ids)

  const eventUrl = `${server.url}/sessions/events`
  const streamUrls = ids.map((id) => `${server.url}/${id}/events`)
  const opened = performance.now()
  held.push(
    await openAbandoned({ urls: [eventUrl], count: EVENTS, headers: AUTH, addresses: EVENTS_FROM }),
  )
  held.push(
    await openAbandoned({
      urls: streamUrls,
      count: STREAMS,
      headers: AUTH,
      addresses: STREAMS_FROM,
    }),
  )
  await pump(server, ids)
  const queues = socketQueues(port, STREAM_PREFIXES)
  console.log(
    `${EVENTS} + ${STREAMS} streams abandoned in ${((performance.now() - opened) / 1000).toFixed(1)} s; ` +
      `each session's stream was sent ~${((2 * MESSAGE_BYTES) / 1024 / 1024).toFixed(1)} MB ` +
      `(a message and its echo); unread: ${mb(queues.clientRecv).toFixed(0)} MB in the clients' ` +
      `socket buffers, ${mb(queues.serverSend).toFixed(0)} MB in the server's`,
  )

  const samples: Sample[] = []
  const started = performance.now()
  let closedBefore = 0
  const sample = () => {
    const counts = slowloris.counts
    samples.push({
      at: (performance.now() - started) / 1000,
      slowloris: counts.open,
      closedByServer: counts.closedByServer - closedBefore,
      streams: socketQueues(port, STREAM_PREFIXES).connections,
      fds: fdsOf(server.pid),
      rssMb: mb(server.rss()),
    })
    closedBefore = counts.closedByServer
  }
  const sampler = setInterval(sample, 2_000).unref()
  // Opened over one headers timeout: by the end of it the server is closing the first ones, and
  // from then on closes (and the attacker re-opens) a steady stream of them.
  await slowloris.start(limits.headers_timeout)
  await until('the first slowloris connection closed by the server', async () => {
    return slowloris.counts.closedByServer > 0
  })
  const firstClosed = performance.now()
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const during = await measurePhase(server, ids)
  loop.disable()
  // Held on for a whole headers timeout of steady churn, to show the count stays near SLOWLORIS.
  const rest = limits.headers_timeout - (performance.now() - firstClosed)
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest))
  clearInterval(sampler)
  sample()
  const counts = slowloris.counts

  const fdsHeld = fdsOf(server.pid)
  release()
  let after = fdsHeld
  await until(
    'fds to settle',
    async () => {
      after = fdsOf(server.pid)
      return after <= before.fds + 10
    },
    15_000,
  ).catch(() => undefined)
  const rssAfter = mb(server.rss())
  const scrapedAfter = await scrape(server.url)

  printReport({
    rampSeconds: limits.headers_timeout / 1000,
    samples,
    slowloris: counts,
    loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    requests: REQUESTS,
    before,
    during,
    fdsHeld,
    after: { rssMb: rssAfter, heapMb: scrapedAfter.heapMb, fds: after, load: loadAverage() },
  })
} finally {
  await cleanup()
}
