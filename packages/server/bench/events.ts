// `pnpm bench events`: BENCH_SUBSCRIBERS (1000) clients follow `GET /sessions/events` of the
// built server (dist/, its own process), each on its own connection; one session is started and
// deleted to warm up (not counted), then BENCH_ROUNDS (10) more, one after another. For every
// status event each subscriber receives, the delay from the moment the store wrote the change
// (the event's `at`) to its arrival is one sample; p50/p99 over all samples, and the server's
// RSS before and with the streams open.
// The subscribers share one process (this one): each only stamps and keeps what arrives, and
// the parsing waits for the next tick, so one subscriber's work does not delay the next one's
// arrival time.

import { rmSync } from 'node:fs'
import { type ClientRequest, request } from 'node:http'
import { startDistServer } from './dist-server.ts'
import { percentile, printTable } from './stats.ts'

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
const BATCH = 100

interface Subscriber {
  req: ClientRequest
  /** What arrived and when, parsed later: the measuring loop does no work per chunk. */
  chunks: [number, string][]
  buffer: string
  /** Ids of sessions this subscriber has seen stop. */
  stopped: Set<string>
}

/** Opens one stream; resolves once its first block (the position) arrived. */
function subscribe(url: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/sessions/events`, { agent: false })
    const subscriber: Subscriber = { req, chunks: [], buffer: '', stopped: new Set() }
    req.once('error', reject)
    req.once('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`))
      res.setEncoding('utf8')
      res.once('data', () => resolve(subscriber))
      res.on('data', (text: string) => {
        subscriber.chunks.push([performance.timeOrigin + performance.now(), text])
      })
    })
    req.end()
  })
}

/** Turns what a subscriber received into samples: arrival minus the event's `at`. */
function parse(subscriber: Subscriber, samples: number[]): void {
  for (const [arrived, text] of subscriber.chunks.splice(0)) {
    subscriber.buffer += text
    let end = subscriber.buffer.indexOf('\n\n')
    for (; end !== -1; end = subscriber.buffer.indexOf('\n\n')) {
      const block = subscriber.buffer.slice(0, end)
      subscriber.buffer = subscriber.buffer.slice(end + 2)
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (!data || !/^event: status$/m.test(block)) continue
      const event = JSON.parse(data) as StatusEvent
      samples.push(arrived - Date.parse(event.at))
      if (event.session.status === 'stopped') subscriber.stopped.add(event.session.session_id)
    }
  }
}

interface StatusEvent {
  at: string
  session: { session_id: string; status: string }
}

async function post(url: string, method = 'POST'): Promise<{ session_id: string }> {
  const res = await fetch(url, {
    method,
    ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
  })
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}`)
  return (await res.json()) as { session_id: string }
}

const server = await startDistServer({
  server: { max_connections: SUBSCRIBERS + 500, max_connections_per_ip: SUBSCRIBERS + 500 },
})
const subscribers: Subscriber[] = []
const samples: number[] = []
const until = async (done: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const subscriber of subscribers) parse(subscriber, samples)
    if (done()) return
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
try {
  const rssBefore = server.rss()
  for (let opened = 0; opened < SUBSCRIBERS; opened += BATCH) {
    const size = Math.min(BATCH, SUBSCRIBERS - opened)
    const batch = Array.from({ length: size }, () => subscribe(server.url))
    subscribers.push(...(await Promise.all(batch)))
  }
  const rssOpen = server.rss()
  for (let round = 0; round <= ROUNDS; round++) {
    // The first round warms up (the first event's code paths, the first agent started).
    if (round === 1) samples.length = 0
    const { session_id: id } = await post(`${server.url}/start`)
    // Let the session become active before its stop: start, active and stop are all samples.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await post(`${server.url}/sessions/${id}`, 'DELETE')
    await until(() => subscribers.every((s) => s.stopped.has(id)))
  }
  const rssAfter = server.rss()
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
  console.log(
    `\n${SUBSCRIBERS} subscribers, ${ROUNDS} sessions started and stopped (after one to warm up): ` +
      `${samples.length} status events received\n`,
  )
  printTable(
    ['p50', 'p99', 'max', 'server RSS idle', 'with streams', 'after'],
    [
      [
        `${percentile(samples, 50).toFixed(1)} ms`,
        `${percentile(samples, 99).toFixed(1)} ms`,
        `${Math.max(...samples).toFixed(1)} ms`,
        mb(rssBefore),
        mb(rssOpen),
        mb(rssAfter),
      ],
    ],
  )
} finally {
  for (const subscriber of subscribers) subscriber.req.destroy()
  await server.stop()
  rmSync(server.dir, { recursive: true, force: true })
}
