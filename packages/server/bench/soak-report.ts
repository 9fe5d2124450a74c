// The soak benchmark's output: the table of windows, the summary, the figures per action and the
// most frequent error kinds, printed; and the chart of RSS and latency over time, as SVG.
import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { ms, type SoakRecord } from './soak-record.ts'
import { percentile, printTable } from './stats.ts'
import { svgChart } from './svg-chart.ts'

/** One row of the table: the window that ended `at` seconds in, and the samples taken then. */
export interface Row {
  at: number
  requests: number
  errors: number
  refused: number
  p50: number
  p99: number
  proxyRss: number
  agentsRss: number
  agents: number
  /** The most SSE streams open at once during the window. */
  streams: number
}

export interface Settings {
  seconds: number
  clients: number
  sessions: number
  windowSeconds: number
  thinkMs: number
  agentDelayMs: number
  /** One-minute load average at the start and at the end: how busy the machine was. */
  load: [number, number]
}

const mib = (bytes: number) => bytes / 2 ** 20
const mb = (bytes: number) => `${mib(bytes).toFixed(1)} MiB`

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

/** A row as table cells, also printed alone as each window ends. */
export const rowCells = (r: Row, windowSeconds: number): (string | number)[] => [
  `${r.at} s`,
  r.requests,
  Math.round(r.requests / windowSeconds),
  r.errors,
  r.refused,
  ms(r.p50),
  ms(r.p99),
  mb(r.proxyRss),
  `${mib(r.agentsRss).toFixed(0)} MiB (${r.agents})`,
  r.streams,
]

export function printReport(rows: Row[], record: SoakRecord, s: Settings): void {
  const first = rows[0] as Row
  const last = rows.at(-1) as Row
  const warm = rows[1] ?? first
  const all = record.overall()
  console.log(
    `\n${s.clients} clients, ${s.sessions} sessions, ${s.seconds} s, think ${s.thinkMs} ms, ` +
      `echo agent ${s.agentDelayMs} ms phases, load average ${s.load[0].toFixed(1)} at the ` +
      `start, ${s.load[1].toFixed(1)} at the end; proxy RSS is the server process alone, ` +
      'agents RSS sums its descendants (agents, sandboxes, log writers)\n',
  )
  printTable(
    HEADER,
    rows.map((r) => rowCells(r, s.windowSeconds)),
  )
  console.log('')
  printTable(
    ['requests', 'req/s', 'errors', 'refused', 'p50', 'p99', 'RSS start', 'end', 'max', 'growth'],
    [
      [
        all.requests,
        Math.round(all.requests / s.seconds),
        all.errors,
        all.refused,
        ms(percentile(all.latencies, 50)),
        ms(percentile(all.latencies, 99)),
        mb(first.proxyRss),
        mb(last.proxyRss),
        mb(Math.max(...rows.map((r) => r.proxyRss))),
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
}

/** The proxy's RSS over time above, p99 and p50 per window below. */
export function writeChart(rows: Row[], s: Settings, path: string): void {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ')
  const windows = rows.slice(1)
  const svg = svgChart({
    title: 'agentapi-proxy soak: proxy memory and latency',
    subtitle:
      `${date} UTC · ${s.seconds} s · ${s.clients} clients · ${s.sessions} sessions · ` +
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
        label: `latency per ${s.windowSeconds} s window (ms)`,
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
  writeFileSync(path, svg)
  console.log(`\nchart: ${path}`)
}
