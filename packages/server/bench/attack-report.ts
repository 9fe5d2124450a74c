// The figures `pnpm bench attack` prints.
import type { Connection, Latencies } from './latency.ts'
import type { Scraped } from './server-figures.ts'
import type { SlowlorisCounts } from './slowloris.ts'
import { printTable } from './stats.ts'

/** The attack, every 2 s while it is held. */
export interface Sample {
  at: number
  slowloris: number
  /** Since the previous sample. */
  closedByServer: number
  /** Established, as the kernel sees them. */
  streams: number
  fds: number
  rssMb: number
}

/** One round of timed requests, and the server process right after it. */
export interface Phase {
  health: Record<Connection, Latencies>
  status: Latencies
  server: Scraped
  fds: number
  rssMb: number
  load: string
}

export interface Report {
  rampSeconds: number
  samples: Sample[]
  slowloris: SlowlorisCounts
  /** The load generator's own event-loop delay while measuring, in ms. */
  loop: { p99: number; max: number }
  requests: number
  before: Phase
  during: Phase
  fdsHeld: number
  after: { rssMb: number; heapMb: number; fds: number; load: string }
}

const ms = (value: number) => `${value.toFixed(1)} ms`
const megabytes = (value: number) => `${value.toFixed(0)} MB`

export function printReport(r: Report): void {
  console.log(`\nfrom the first slowloris connection (opened over ${r.rampSeconds} s), every 2 s:`)
  printTable(
    ['t', 'slowloris open', 'closed by the server since', 'streams open', 'server fds', 'RSS'],
    r.samples.map((s) => [
      `${s.at.toFixed(0)} s`,
      s.slowloris,
      s.closedByServer,
      s.streams,
      s.fds,
      megabytes(s.rssMb),
    ]),
  )
  const { slowloris } = r
  console.log(
    `slowloris: ${slowloris.opened} connections opened, ${slowloris.closedByServer} closed by ` +
      `the server (${slowloris.timedOut408} with a 408), ${slowloris.failed} refused`,
  )
  console.log(
    `the load generator's own event loop while measuring: p99 delay ${ms(r.loop.p99)}, ` +
      `max ${ms(r.loop.max)}`,
  )

  console.log(`\n${r.requests} requests one after another (session status: a quarter as many)`)
  const row = (name: string, l: Latencies) => [
    name,
    ms(l.p50),
    ms(l.p95),
    ms(l.p99),
    ms(l.max),
    `${l.failures}/${l.count}`,
  ]
  const { before, during, after } = r
  printTable(
    ['', 'p50', 'p95', 'p99', 'max', 'failed'],
    [
      row('/health fresh, before', before.health.fresh),
      row('/health fresh, during', during.health.fresh),
      row('/health keep-alive, before', before.health['keep-alive']),
      row('/health keep-alive, during', during.health['keep-alive']),
      row('/<id>/status keep-alive, before', before.status),
      row('/<id>/status keep-alive, during', during.status),
    ],
  )
  console.log('\nserver process')
  const loop = (s: Scraped) => `${ms(s.loopP99)} / ${ms(s.loopMax)}`
  printTable(
    ['', 'before', 'during', 'after release'],
    [
      ['RSS', megabytes(before.rssMb), megabytes(during.rssMb), megabytes(after.rssMb)],
      [
        'V8 heap in use',
        megabytes(before.server.heapMb),
        megabytes(during.server.heapMb),
        megabytes(after.heapMb),
      ],
      ['open fds', before.fds, `${during.fds} (held: ${r.fdsHeld})`, after.fds],
      ['event-loop delay p99 / max', loop(before.server), loop(during.server), ''],
      ['load average (1 min)', before.load, during.load, after.load],
    ],
  )
  const p99 = Math.max(during.health.fresh.p99, during.health['keep-alive'].p99)
  console.log(
    `\ntarget: /health p99 under 50 ms during the attack: ${ms(p99)} (worse of the two) — ` +
      `${p99 < 50 ? 'met' : 'NOT met'}`,
  )
}
