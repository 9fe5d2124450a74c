// `pnpm bench sessions`: how fast POST /start reaches `active` with the echo agent, how a burst
// of 50 starts fares, and what each live session costs the proxy in memory — without a sandbox
// and in bubblewrap (session.sandbox), in the same run. Runs the built server (dist/) in its own
// process, as users run it.
import { probeBubblewrap } from '../src/provisioners/sandbox.ts'
import { type DistServer, startDistServer } from './dist-server.ts'
import { percentile, printTable } from './stats.ts'

const SEQUENTIAL = 30
const BURST = 50

async function startAndWait(
  server: DistServer,
  timeoutMs = 30_000,
): Promise<{ id: string; ms: number }> {
  const t0 = performance.now()
  const res = await fetch(`${server.url}/start`, { method: 'POST' })
  if (res.status !== 201) throw new Error(`POST /start → ${res.status} ${await res.text()}`)
  const { session_id: id } = (await res.json()) as { session_id: string }
  for (;;) {
    const session = (await (await fetch(`${server.url}/sessions/${id}`)).json()) as {
      status: string
      error: string
    }
    if (session.status === 'active') return { id, ms: performance.now() - t0 }
    if (session.status !== 'starting')
      throw new Error(`session ${id} ended ${session.status}: ${session.error}`)
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`session ${id} not active in ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

const remove = (server: DistServer, id: string) =>
  fetch(`${server.url}/sessions/${id}`, { method: 'DELETE' })

interface Measured {
  times: number[]
  burstMs: number
  failures: string[]
  idleRss: number
  liveRss: number
  live: number
}

async function measure(sandbox: 'none' | 'bubblewrap'): Promise<Measured> {
  const server = await startDistServer({
    session: { max_sessions: 200, max_sessions_per_user: 200, sandbox },
  })
  try {
    const times: number[] = []
    for (let i = 0; i < SEQUENTIAL; i++) {
      const { id, ms } = await startAndWait(server)
      times.push(ms)
      await remove(server, id)
    }
    const idleRss = server.rss()
    const t0 = performance.now()
    const burst = await Promise.allSettled(
      Array.from({ length: BURST }, () => startAndWait(server)),
    )
    const burstMs = performance.now() - t0
    const ok = burst.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const liveRss = server.rss()
    await Promise.all(ok.map((r) => remove(server, r.id)))
    const failures = burst.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
    return { times, burstMs, failures, idleRss, liveRss, live: ok.length }
  } finally {
    await server.stop()
  }
}

const bwrap = probeBubblewrap(process.env.PATH)
const runs: (Measured | null)[] = [await measure('none')]
runs.push('bwrap' in bwrap ? await measure('bubblewrap') : null)

const each = (f: (m: Measured) => string | number) => runs.map((m) => (m ? String(f(m)) : 'n/a'))
const ms = (value: number) => `${value.toFixed(0)} ms`
console.log('\nPOST /start → active, echo agent, built server (dist), this machine\n')
printTable(
  ['measure', 'sandbox: none', 'sandbox: bubblewrap', 'goal'],
  [
    [
      `sequential starts (n=${SEQUENTIAL}) p50`,
      ...each((m) => ms(percentile(m.times, 50))),
      '≤ 300 ms',
    ],
    [`sequential starts (n=${SEQUENTIAL}) p95`, ...each((m) => ms(percentile(m.times, 95))), ''],
    [`${BURST} concurrent starts, all active`, ...each((m) => ms(m.burstMs)), '≤ 5000 ms'],
    [`${BURST} concurrent starts, failures`, ...each((m) => m.failures.length), '0'],
    ['proxy RSS idle', ...each((m) => `${(m.idleRss / 2 ** 20).toFixed(1)} MiB`), ''],
    [
      `proxy RSS with ${BURST} live sessions`,
      ...each((m) => `${(m.liveRss / 2 ** 20).toFixed(1)} MiB`),
      '',
    ],
    [
      'proxy RSS per live session',
      ...each((m) => `${((m.liveRss - m.idleRss) / m.live / 1024).toFixed(0)} KiB`),
      '',
    ],
  ],
)
if ('reason' in bwrap) console.log(`bubblewrap not measured: ${bwrap.reason}`)
for (const failure of runs.flatMap((m) => m?.failures ?? [])) console.log(`failure: ${failure}`)
