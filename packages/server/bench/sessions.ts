// `pnpm bench sessions`: how fast POST /start reaches `active` with the echo agent, how a burst
// of 50 starts fares, and what each live session costs the proxy in memory. Runs the built
// server (dist/) in its own process, as users run it.
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

const server = await startDistServer({ session: { max_sessions: 200, max_sessions_per_user: 200 } })
try {
  const times: number[] = []
  for (let i = 0; i < SEQUENTIAL; i++) {
    const { id, ms } = await startAndWait(server)
    times.push(ms)
    await remove(server, id)
  }

  const idleRss = server.rss()
  const t0 = performance.now()
  const burst = await Promise.allSettled(Array.from({ length: BURST }, () => startAndWait(server)))
  const burstMs = performance.now() - t0
  const ok = burst.filter((r) => r.status === 'fulfilled')
  const liveRss = server.rss()
  await Promise.all(ok.map((r) => remove(server, r.value.id)))

  console.log('\nPOST /start → active, echo agent, built server (dist), this machine\n')
  printTable(
    ['measure', 'value', 'goal'],
    [
      [
        `sequential starts (n=${SEQUENTIAL}) p50`,
        `${percentile(times, 50).toFixed(0)} ms`,
        '≤ 300 ms',
      ],
      [`sequential starts (n=${SEQUENTIAL}) p95`, `${percentile(times, 95).toFixed(0)} ms`, ''],
      [`${BURST} concurrent starts, all active`, `${burstMs.toFixed(0)} ms`, '≤ 5000 ms'],
      [`${BURST} concurrent starts, failures`, BURST - ok.length, '0'],
      ['proxy RSS idle', `${(idleRss / 2 ** 20).toFixed(1)} MiB`, ''],
      [`proxy RSS with ${ok.length} live sessions`, `${(liveRss / 2 ** 20).toFixed(1)} MiB`, ''],
      [
        'proxy RSS per live session',
        `${((liveRss - idleRss) / ok.length / 1024).toFixed(0)} KiB`,
        '',
      ],
    ],
  )
  for (const failure of burst.filter((r) => r.status === 'rejected'))
    console.log(`failure: ${failure.reason}`)
} finally {
  await server.stop()
}
