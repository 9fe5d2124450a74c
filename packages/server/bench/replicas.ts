// Two replicas of the built server on one PostgreSQL (the machine's), for `bench/proxy.ts`:
// where A runs a session's agent and B routes to it through the store.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { startDistServer } from './dist-server.ts'
import type { Running } from './processes.ts'
import { percentile } from './stats.ts'

const POSTGRES_URL =
  process.env.AGENTAPI_PROXY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SAMPLES = Number(process.env.BENCH_ROUTING_SAMPLES ?? 40)

/** Replica A (runs the agent of `sessionId`) and B, plus the schema they share. */
export interface Replicas extends Running {
  a: { url: string; pid: number }
  b: { url: string; pid: number }
  sessionId: string
}

/** Starts A and B on a fresh schema, with one active session started through A. */
export async function startReplicas(): Promise<Replicas> {
  const schema = `aap_bench_${randomBytes(5).toString('hex')}`
  // Both replicas must open each other's sealed agent secrets: one key.
  process.env.AGENTAPI_PROXY_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
  const config = (id: string, workdirRoot?: string) => ({
    persistence: { backend: 'postgres', url: POSTGRES_URL, schema },
    replica: { id },
    server: { max_connections_per_ip: 0 },
    session: {
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS'],
      max_sessions_per_user: SAMPLES + 10,
      max_sessions: SAMPLES + 10,
      ...(workdirRoot ? { workdir_root: workdirRoot } : {}),
    },
  })
  const a = await startDistServer(config('bench-a'))
  const b = await startDistServer(config('bench-b', `${a.dir}/sessions`)).catch(async (e) => {
    await a.stop()
    throw e
  })
  const stop = async () => {
    await Promise.all([a.stop(), b.stop()])
    const admin = new pg.Client({ connectionString: POSTGRES_URL })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade`)
    await admin.end()
  }
  try {
    const sessionId = await startSession(a.url)
    await firstOk(`${a.url}/${sessionId}/status`)
    return { name: 'replicas', pid: a.pid, ready: a.url, stop, a, b, sessionId }
  } catch (error) {
    await stop()
    throw error
  }
}

async function startSession(url: string): Promise<string> {
  const res = await fetch(`${url}/start`, { method: 'POST' })
  if (res.status !== 201) throw new Error(`POST /start → ${res.status} ${await res.text()}`)
  return ((await res.json()) as { session_id: string }).session_id
}

/** Resolves with the time (performance.now) of the first 200 from `url`, polling every 1 ms. */
async function firstOk(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    const res = await fetch(url)
    await res.arrayBuffer()
    if (res.status === 200) return performance.now()
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
}

/**
 * How long after a session started through A answers through A it answers through B too: both
 * polled at once from the moment A accepted the start. Then every sample is deleted through B.
 */
export async function measureRouting(replicas: Replicas): Promise<(string | number)[][]> {
  const lags: number[] = []
  const ids: string[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const id = await startSession(replicas.a.url)
    ids.push(id)
    const [onA, onB] = await Promise.all([
      firstOk(`${replicas.a.url}/${id}/status`),
      firstOk(`${replicas.b.url}/${id}/status`),
    ])
    lags.push(Math.max(0, onB - onA))
  }
  await Promise.all(
    ids.map((id) => fetch(`${replicas.b.url}/sessions/${id}`, { method: 'DELETE' })),
  )
  const ms = (value: number) => `${value.toFixed(1)} ms`
  return [
    [`routed through B after A (p50, ${SAMPLES} new sessions)`, ms(percentile(lags, 50)), ''],
    [
      `routed through B after A (p99, ${SAMPLES} new sessions)`,
      ms(percentile(lags, 99)),
      '≤ 100 ms',
    ],
    ['routed through B after A (max)', ms(Math.max(...lags)), ''],
  ]
}
