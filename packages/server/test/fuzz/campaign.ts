import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { FormData, Pool } from 'undici'
import type { FuzzServer } from './fuzz-server.ts'
import { IdPool } from './id-pool.ts'
import { anyRequestArbitrary, type Caller, type FuzzRequest, listOperations } from './operations.ts'
import { judge, type Verdict } from './verdict.ts'

/** What a campaign found. */
export interface CampaignResult {
  seed: number
  requests: number
  byStatus: Record<string, number>
  /** 5xx the proxy made, but for 503 while a session starts: must be 0. */
  serverErrors: number
  /** agentapi's own 500 for an empty message, passed through. */
  agentErrors: number
  /** 503 `session_not_ready`: a fuzz-started session was still starting. */
  notReady: number
  /** Requests with a body refused before it was all sent: the server closed as designed. */
  closedEarly: number
  /** Requests without a body sent again after their kept-alive connection was reset. */
  retried: number
  /** Requests the fuzzer stopped waiting for: streams and long polls, by operation. */
  held: number
  failures: { request: string; verdict: string }[]
  seconds: number
  operations: number
}

export interface CampaignOptions {
  requests: number
  seed: number
  concurrency?: number
  /** Failures kept for the report (all are counted). */
  keepFailures?: number
}

const BATCH = 250
const STATUS_NAMES: Record<number, string> = {
  0: 'held',
  [-1]: 'transport error',
  [-2]: 'closed early',
}

/**
 * Sends `requests` generated requests (fast-check, `seed`) to the server over keep-alive
 * connections, and judges every answer. Ids seen in answers feed later requests' paths.
 */
export async function runCampaign(
  server: FuzzServer,
  options: CampaignOptions,
): Promise<CampaignResult> {
  const { operations, resolve } = listOperations()
  const byName = new Map(operations.map((op) => [op.name, op]))
  const arbitrary = anyRequestArbitrary(operations, resolve)
  const pool = new Pool(server.url, { connections: options.concurrency ?? 8, pipelining: 1 })
  const ids = new IdPool()
  await ids.seedSessions(server)
  const result: CampaignResult = {
    seed: options.seed,
    requests: 0,
    byStatus: {},
    serverErrors: 0,
    agentErrors: 0,
    notReady: 0,
    closedEarly: 0,
    retried: 0,
    held: 0,
    failures: [],
    seconds: 0,
    operations: operations.length,
  }
  const began = performance.now()
  try {
    for (let sent = 0, batch = 0; sent < options.requests; batch++) {
      const count = Math.min(BATCH, options.requests - sent)
      const requests = fc.sample(arbitrary, { seed: options.seed + batch, numRuns: count })
      await inParallel(requests, options.concurrency ?? 8, async (generated) => {
        const request = ids.fill(generated, server.keys)
        const holds = byName.get(generated.operation)?.holds ?? false
        const verdict = await send(pool, request, holds, ids)
        tally(result, request, verdict, holds, options.keepFailures ?? 20)
      })
      sent += count
    }
  } finally {
    result.seconds = (performance.now() - began) / 1_000
    await ids.deleteStarted(server)
    await pool.close()
  }
  return result
}

function tally(
  result: CampaignResult,
  request: FilledRequest,
  verdict: Verdict,
  holds: boolean,
  keep: number,
) {
  result.requests++
  const key = STATUS_NAMES[verdict.status] ?? String(verdict.status)
  result.byStatus[key] = (result.byStatus[key] ?? 0) + 1
  if (verdict.expected5xx === 'agent') result.agentErrors++
  else if (verdict.expected5xx === 'starting') result.notReady++
  else if (verdict.status >= 500) result.serverErrors++
  if (verdict.status === -2) result.closedEarly++
  if (verdict.retried) result.retried++
  if (verdict.status === 0) result.held++
  const problem = verdict.status === 0 && !holds ? 'no answer in time' : verdict.problem
  if (problem === undefined) return
  result.failures.push({ request: describe(request), verdict: `${verdict.status}: ${problem}` })
  if (result.failures.length > keep) result.failures.length = keep
}

/** A request with its ids filled in and its credential chosen. */
export interface FilledRequest extends FuzzRequest {
  caller: Caller
}

/**
 * Sends once; a request without a body whose kept-alive connection was closed under it (the
 * server closes after refusals it did not read, and idle connections after their timeout) is
 * sent again once on a fresh connection, as HTTP clients do for idempotent requests.
 */
async function send(
  pool: Pool,
  request: FilledRequest,
  holds: boolean,
  ids: IdPool,
): Promise<Verdict> {
  const first = await sendOnce(pool, request, holds, ids)
  if (first.status !== -1 || request.body !== undefined) return first
  return { ...(await sendOnce(pool, request, holds, ids)), retried: true }
}

async function sendOnce(
  pool: Pool,
  request: FilledRequest,
  holds: boolean,
  ids: IdPool,
): Promise<Verdict> {
  const signal = AbortSignal.timeout(holds ? 500 : 20_000)
  let body: string | Buffer | FormData | undefined
  const headers = { ...request.headers }
  if (request.body && typeof request.body === 'object' && 'multipart' in request.body) {
    const form = new FormData()
    for (const [k, v] of Object.entries(request.body.multipart))
      form.append(k, new Blob([typeof v === 'string' ? v : new Uint8Array(v)]), 'f.txt')
    body = form
    delete headers['content-type']
  } else body = request.body as string | Buffer | undefined
  try {
    const res = await pool.request({
      path: request.path,
      method: request.method as 'GET',
      headers,
      body,
      signal,
    })
    const type = String(res.headers['content-type'] ?? '')
    if (type.startsWith('text/event-stream')) {
      res.body.destroy()
      return judge(request, res.statusCode, type, '')
    }
    const text = await res.body.text()
    if (res.statusCode < 300) ids.harvest(request, text)
    return judge(request, res.statusCode, type, text)
  } catch (error) {
    if (signal.aborted) return { status: 0 }
    // A refusal that comes before the whole body closes the connection (http/unread-body.ts):
    // a client still sending sees the close instead of the answer.
    const code = (error as { code?: string }).code ?? ''
    if (body !== undefined && /EPIPE|ECONNRESET|UND_ERR_SOCKET/.test(code)) return { status: -2 }
    return { status: -1, problem: `transport error: ${(error as Error).message}` }
  }
}

export function describe(request: FilledRequest): string {
  const body =
    request.body === undefined
      ? ''
      : ` body=${(Buffer.isBuffer(request.body) || typeof request.body === 'string' ? String(request.body) : JSON.stringify(request.body)).slice(0, 300)}`
  return `${request.caller} ${request.method} ${request.path.slice(0, 300)} headers=${JSON.stringify(request.headers).slice(0, 200)}${body}`
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T)
  }
  await Promise.all(Array.from({ length: limit }, worker))
}

export const randomSeed = () => Number.parseInt(randomUUID().slice(0, 8), 16)
