// `pnpm exec tsx packages/server/bench/proxy.ts` (or `pnpm bench proxy`): the forwarder's hot
// path against the same echo agent reached directly, through configurable-http-proxy, and
// through nginx (one worker), and through two replicas on PostgreSQL (the one running the agent
// and the other), all in one run on this machine; then how soon a session started through one
// replica answers through the other, and 1,000 concurrent SSE streams through the forwarder and
// its memory. A benchmark, not a test: it prints figures and goals.
//
// BENCH_SECONDS (5): length of each load run. BENCH_ROUNDS (2): rounds over all contenders; each
// figure is its best round, which filters out bursts from other work on a shared machine.
// BENCH_STREAMS (1000): SSE streams. BENCH_ROUTING_SAMPLES (40): sessions for the routing lag.
// AGENTAPI_PROXY_TEST_POSTGRES_URL: the PostgreSQL of the replicas. BENCH_PIN=1: pin proxies and load to separate CPUs.
import { randomUUID } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { type Contender, startChp, startNginx, startOurs } from './contenders.ts'
import { GENERATOR, type LoadResult, load } from './load.ts'
import { cpuMs, pinning, type Running, rssOf } from './processes.ts'
import { measureRouting, startReplicas } from './replicas.ts'
import { openStreams } from './sse.ts'
import { printTable } from './stats.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000)

/** One path to the agent's `GET /status`, and the process that does the work on it. */
interface Target {
  name: string
  url: string
  pid: number
}

interface Measured {
  name: string
  /** 32 connections: throughput. */
  many: LoadResult
  /** One connection: latency. */
  one: LoadResult
  /** CPU time of the target's process per request under the 32-connection load. */
  cpuUs: number
}

async function measure({ name, url, pid }: Target): Promise<Measured> {
  await load(url, 32, 2) // warm-up: JIT, connection pools
  const cpuBefore = cpuMs(pid)
  const many = await load(url, 32, SECONDS)
  const cpuUs = ((cpuMs(pid) - cpuBefore) * 1000) / many.requests
  const one = await load(url, 1, SECONDS)
  return { name, many, one, cpuUs }
}

function best(a: Measured | undefined, b: Measured): Measured {
  if (!a) return b
  return {
    name: b.name,
    many: a.many.rps >= b.many.rps ? a.many : b.many,
    one: a.one.p50 <= b.one.p50 ? a.one : b.one,
    cpuUs: Math.min(a.cpuUs, b.cpuUs),
  }
}

async function check(target: Target): Promise<void> {
  const res = await fetch(target.url)
  const body = await res.text()
  if (res.status !== 200 || !body.includes('"status"')) {
    throw new Error(`${target.name}: GET ${target.url} → ${res.status} ${body}`)
  }
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(3)} ms` : 'n/a')
const ratio = (a: number | undefined, b: number | undefined) =>
  a && b ? `${(a / b).toFixed(2)}×` : 'n/a'
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

function printLoad(results: Measured[]): void {
  const rps = (prefix: string) => results.find((r) => r.name.startsWith(prefix))?.many.rps
  const direct = results[0]?.one.p50 ?? Number.NaN
  console.log(`\nGET /status of the echo agent through each path; load by ${GENERATOR}`)
  console.log(
    `${SECONDS} s runs, best of ${ROUNDS} rounds; ${availableParallelism()} CPUs shared by ` +
      `load, proxy and agent, ${pinning}; CPU µs/req is the proxy's own (the agent's when direct)\n`,
  )
  printTable(
    [
      'path',
      'req/s (c32)',
      'p50',
      'p99',
      'CPU µs/req',
      'p50 (c1)',
      'p99 (c1)',
      'added p50 (c1)',
    ].concat(['× CHP', '× nginx', 'errors']),
    results.map(({ name, many, one, cpuUs }) => [
      name,
      many.rps.toFixed(0),
      ms(many.p50),
      ms(many.p99),
      cpuUs.toFixed(1),
      ms(one.p50),
      ms(one.p99),
      name.startsWith('direct') ? '—' : ms(one.p50 - direct),
      ratio(many.rps, rps('configurable')),
      ratio(many.rps, rps('nginx')),
      many.errors + one.errors,
    ]),
  )
}

/** 1,000 streams through a fresh server process, so its RSS is not the load runs' heap. */
async function measureStreams(): Promise<(string | number)[][]> {
  const ours = await startOurs()
  try {
    return await streamThrough(ours)
  } finally {
    await ours.stop()
  }
}

async function streamThrough(ours: Contender): Promise<(string | number)[][]> {
  const idle = rssOf(ours.pid)
  const started = performance.now()
  const streams = await openStreams(`${ours.base}/events`, STREAMS)
  const openMs = performance.now() - started
  try {
    const open = rssOf(ours.pid)
    const token = randomUUID().slice(0, 8)
    const sent = await fetch(`${ours.base}/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: token, type: 'user' }),
    })
    if (sent.status !== 200) throw new Error(`POST /message → ${sent.status} ${await sent.text()}`)
    const fanOutMs = await streams.allSee(`Echo: ${token}`, 30_000)
    const peak = Math.max(open, rssOf(ours.pid))
    const perStream = (peak - idle) / streams.count / 1024
    return [
      [`${streams.count} SSE streams open (replay received)`, `${openMs.toFixed(0)} ms`, ''],
      ['one reply reaches every stream', `${fanOutMs.toFixed(0)} ms`, ''],
      ['proxy RSS before the streams (fresh process)', mib(idle), ''],
      [`proxy RSS with ${streams.count} streams`, mib(peak), '≤ 250 MB'],
      ['proxy RSS per stream', `${perStream.toFixed(1)} KiB`, ''],
    ]
  } finally {
    streams.close()
  }
}

async function run(processes: Running[]): Promise<void> {
  const ours = await startOurs()
  const { agent } = ours
  const session = ours.base.split('/').at(-1) as string
  const chp = await startChp(agent.ready, session)
  const nginx = await startNginx(agent.ready, session)
  const replicas = await startReplicas()
  processes.push(ours, chp, replicas, ...(nginx ? [nginx] : []))
  if (!nginx) console.log('nginx not installed, skipped')
  const { a, b, sessionId } = replicas

  const targets: Target[] = [
    { name: 'direct (echo agent)', url: `${agent.ready}/status`, pid: agent.pid },
    { name: 'agentapi-proxy (ours)', url: `${ours.base}/status`, pid: ours.pid },
    { name: 'configurable-http-proxy', url: `${chp.base}/status`, pid: chp.pid },
    ...(nginx ? [{ name: 'nginx (1 worker)', url: `${nginx.base}/status`, pid: nginx.pid }] : []),
    {
      name: 'ours, PostgreSQL replica A (its agent)',
      url: `${a.url}/${sessionId}/status`,
      pid: a.pid,
    },
    {
      name: "ours, PostgreSQL replica B (A's agent)",
      url: `${b.url}/${sessionId}/status`,
      pid: b.pid,
    },
  ]
  for (const target of targets) await check(target)
  const results = new Map<string, Measured>()
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      results.set(target.name, best(results.get(target.name), await measure(target)))
    }
  }
  const table = [...results.values()]
  printLoad(table)

  const named = (prefix: string) => table.find((r) => r.name.startsWith(prefix))
  const [direct, mine, theirs, fast] = ['direct', 'agentapi-proxy', 'configurable', 'nginx'].map(
    named,
  )
  const [onA, onB] = [named('ours, PostgreSQL replica A'), named('ours, PostgreSQL replica B')]
  const routingRows = await measureRouting(replicas)
  const streamRows = await measureStreams()
  console.log('\nGoals\n')
  printTable(
    ['measure', 'value', 'goal'],
    [
      ['req/s vs configurable-http-proxy', ratio(mine?.many.rps, theirs?.many.rps), '≥ 3×'],
      ['req/s vs nginx', fast ? ratio(mine?.many.rps, fast.many.rps) : 'skipped', '≥ 0.5×'],
      [
        'added p50 at one connection',
        ms((mine?.one.p50 ?? 0) - (direct?.one.p50 ?? 0)),
        '≤ 0.3 ms',
      ],
      // Other work on the machine moves req/s a lot; CPU time per request far less.
      ['CPU/request: configurable-http-proxy ÷ ours', ratio(theirs?.cpuUs, mine?.cpuUs), 'info'],
      ['CPU/request: nginx ÷ ours', fast ? ratio(fast.cpuUs, mine?.cpuUs) : 'skipped', 'info'],
      ['req/s PostgreSQL replica A ÷ SQLite', ratio(onA?.many.rps, mine?.many.rps), '≥ 0.9×'],
      ['req/s PostgreSQL replica B ÷ SQLite', ratio(onB?.many.rps, mine?.many.rps), '≥ 0.9×'],
      ...routingRows,
      ...streamRows,
    ],
  )
}

const processes: Running[] = []
try {
  await run(processes)
} finally {
  for (const running of processes.reverse()) await running.stop()
}
