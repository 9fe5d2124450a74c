// What a benchmark reads about a running server process: from /proc, and from its own
// `/metrics` (prom-client's default metrics; loopback callers need no token).
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'

/** Open file descriptors of a process. */
export const fdsOf = (pid: number) => readdirSync(`/proc/${pid}/fd`).length

/** Its limit on open files (`ulimit -n`), as the kernel applies it. */
export const openFilesLimit = (pid: number | 'self') =>
  /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1] ?? '?'

/** The machine's 1-minute load average, for the record: the figures depend on it. */
export const loadAverage = () => loadavg()[0]?.toFixed(2) ?? '?'

export const mb = (bytes: number) => bytes / 1024 / 1024

export interface Scraped {
  /** Event-loop delay since the previous scrape (prom-client resets it on each), in ms. */
  loopP99: number
  loopMax: number
  heapMb: number
}

/** The server's event-loop delay and V8 heap, from its `/metrics`. */
export async function scrape(url: string): Promise<Scraped> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const value = (name: string) =>
    Number(new RegExp(`^agentapi_proxy_nodejs_${name} (\\S+)$`, 'm').exec(text)?.[1])
  return {
    loopP99: value('eventloop_lag_p99_seconds') * 1000,
    loopMax: value('eventloop_lag_max_seconds') * 1000,
    heapMb: mb(value('heap_size_used_bytes')),
  }
}
