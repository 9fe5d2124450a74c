// Request latency for `pnpm bench attack`, one request at a time: on a fresh connection each
// (what a load balancer's health check or a new client pays) or on one kept-alive connection.
import { Agent, request } from 'node:http'
import { percentile } from './stats.ts'

/** Latencies of one run, in ms; failures (a non-2xx, an error, 5 s without an answer) apart. */
export interface Latencies {
  p50: number
  p95: number
  p99: number
  max: number
  count: number
  failures: number
}

export type Connection = 'fresh' | 'keep-alive'

/** `count` GETs, one after another, of `urls` in turn. */
export async function timeRequests(
  urls: readonly string[],
  count: number,
  connection: Connection,
  headers: Record<string, string> = {},
): Promise<Latencies> {
  const agent = connection === 'fresh' ? false : new Agent({ keepAlive: true, maxSockets: 1 })
  const times: number[] = []
  let failures = 0
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now()
      const ok = await get(urls[i % urls.length] as string, agent, headers)
      if (ok) times.push(performance.now() - started)
      else failures++
    }
  } finally {
    if (agent) agent.destroy()
  }
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: Math.max(...times),
    count,
    failures,
  }
}

function get(url: string, agent: Agent | false, headers: Record<string, string>) {
  return new Promise<boolean>((resolve) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume()
      res.once('end', () => resolve((res.statusCode ?? 0) < 300))
    })
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')))
    req.once('error', () => resolve(false))
    req.end()
  })
}
