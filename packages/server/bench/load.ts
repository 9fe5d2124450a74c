// Load generation for the proxy benchmark: wrk when installed (a C client that is not the
// bottleneck), otherwise a small keep-alive loop in this process, which is slower and says so.
import { spawnSync } from 'node:child_process'
import { Agent, request } from 'node:http'
import { installed, onCpus } from './processes.ts'
import { percentile } from './stats.ts'

/** What one load run measured; latencies in milliseconds. */
export interface LoadResult {
  requests: number
  rps: number
  p50: number
  p99: number
  /** Responses that were not 2xx/3xx, plus socket errors: a run with any is suspect. */
  errors: number
}

/** Which generator is in use, to print beside the table. */
export const GENERATOR = installed('wrk', ['--version'])
  ? 'wrk'
  : 'built-in loop (wrk not installed; Node client, absolute numbers lower)'

/** `connections` keep-alive connections hammering `url` for `seconds`. */
export async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  return GENERATOR === 'wrk' ? wrk(url, connections, seconds) : loop(url, connections, seconds)
}

function wrk(url: string, connections: number, seconds: number): LoadResult {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url]
  const [command, argv] = onCpus('rest', 'wrk', args)
  const run = spawnSync(command, argv, { encoding: 'utf8', timeout: (seconds + 30) * 1000 })
  const out = run.stdout ?? ''
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? Number.NaN)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
    .exec(out)
    ?.slice(1)
    .reduce((sum, n) => sum + Number(n), 0)
  const errors = (number(/Non-2xx or 3xx responses: (\d+)/) || 0) + (socketErrors ?? 0)
  return {
    requests: number(/(\d+) requests in/),
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50: duration(/50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    p99: duration(/99%\s+([\d.]+\w+)/.exec(out)?.[1]),
    errors,
  }
}

// wrk prints 85.00us, 1.20ms, 1.01s.
function duration(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '')
  if (!match) return Number.NaN
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm']
  return Number(match[1]) * scale
}

// At most this many requests per run, whatever the duration: the loop stays bounded.
const MAX_REQUESTS = 5_000_000

async function loop(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const latencies: number[] = []
  let errors = 0
  const deadline = performance.now() + seconds * 1000
  const worker = async () => {
    while (performance.now() < deadline && latencies.length < MAX_REQUESTS) {
      const started = performance.now()
      const status = await get(url, agent).catch(() => 0)
      if (status < 200 || status >= 400) errors++
      latencies.push(performance.now() - started)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: connections }, worker))
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  }
}

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.once('error', reject)
    req.end()
  })
}
