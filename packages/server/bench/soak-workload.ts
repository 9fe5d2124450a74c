// The soak benchmark's clients: each loops until the deadline, picking a session and an action by
// a fixed mix, with a short random pause between actions as a person or a script would leave.
// All share one keep-alive pool sized to the number of clients, so no client waits for a socket.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher, Pool } from 'undici'
import type { Outcome, SoakRecord } from './soak-record.ts'

export interface Workload {
  pool: Pool
  headers: Record<string, string>
  sessions: readonly string[]
  record: SoakRecord
  /** performance.now() at which clients stop starting actions. */
  deadline: number
  /** Mean pause between two actions of one client; each pause is uniform in [0, 2 × mean]. */
  thinkMs: number
  signal: AbortSignal
}

type Action = (w: Workload, id: string) => Promise<void>

/** Weights of each action in the mix (they need not sum to 100). */
const MIX: [Action, number][] = [
  [status, 35],
  [messages, 15],
  [message, 15],
  [events, 10],
  [session, 15],
  [search, 10],
]
const TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0)

/** The action whose share of [0, TOTAL) holds `roll`. */
function pick(roll: number): Action {
  let left = roll
  for (const [action, weight] of MIX) {
    left -= weight
    if (left < 0) return action
  }
  return status
}

/** One client: actions until the deadline (or the signal), every outcome recorded. */
export async function client(w: Workload): Promise<void> {
  while (performance.now() < w.deadline && !w.signal.aborted) {
    const id = w.sessions[Math.floor(Math.random() * w.sessions.length)] as string
    await pick(Math.random() * TOTAL)(w, id)
    await sleep(Math.random() * 2 * w.thinkMs, undefined, { signal: w.signal }).catch(() => {})
  }
}

interface Answer {
  status: number
  body: string
}

/** One request, timed and recorded; `classify` may call a non-2xx answer a refusal. */
async function call(
  w: Workload,
  action: string,
  options: Pick<Dispatcher.RequestOptions, 'path' | 'method' | 'body'>,
  classify: (answer: Answer) => Outcome = () => 'error',
): Promise<Answer | null> {
  const started = performance.now()
  try {
    const headers =
      options.body === undefined ? w.headers : { ...w.headers, 'content-type': 'application/json' }
    const res = await w.pool.request({ ...options, headers, signal: w.signal })
    const answer = { status: res.statusCode, body: await res.body.text() }
    const ms = performance.now() - started
    if (answer.status >= 200 && answer.status < 300) w.record.record(action, ms, 'ok')
    else w.record.record(action, ms, classify(answer), kindOf(action, answer))
    return answer
  } catch (error) {
    // A request cut short by the end of the run is not the server's failure.
    if (w.signal.aborted) return null
    w.record.record(action, performance.now() - started, 'error', `${action} → ${name(error)}`)
    return null
  }
}

/** `GET /:id/status → 502 agent_unreachable`: the problem's code, else the start of the body. */
function kindOf(action: string, { status, body }: Answer): string {
  let detail = body.replace(/\s+/g, ' ').slice(0, 80)
  try {
    const parsed = JSON.parse(body) as Problem
    const first = parsed.errors?.[0]?.message
    detail = parsed.code ?? `${parsed.detail ?? parsed.title}${first ? `: ${first}` : ''}`
  } catch {
    // not JSON: the body's start says enough
  }
  return `${action} → ${status} ${detail}`
}

/** Our problem+json has a `code`; agentapi's (huma's) has `detail` and `errors`. */
interface Problem {
  code?: string
  detail?: string
  title?: string
  errors?: { message?: string }[]
}

function name(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string }
  return e.code ?? e.name ?? String(error)
}

function status(w: Workload, id: string): Promise<void> {
  return call(w, 'GET /:id/status', { path: `/${id}/status`, method: 'GET' }).then(() => {})
}

function messages(w: Workload, id: string): Promise<void> {
  return call(w, 'GET /:id/messages', { path: `/${id}/messages`, method: 'GET' }).then(() => {})
}

function session(w: Workload, id: string): Promise<void> {
  return call(w, 'GET /sessions/:id', { path: `/sessions/${id}`, method: 'GET' }).then(() => {})
}

async function search(w: Workload): Promise<void> {
  await call(w, 'GET /search', { path: '/search?tag.bench=soak&limit=20', method: 'GET' })
}

// agentapi takes a user message only while the agent is `stable`: it answers 500 "message can
// only be sent when the agent is waiting for user input" otherwise, which the proxy passes
// through (its docs promise 409; both count as the expected refusal, nothing else does).
const BUSY = 'waiting for user input'
const refusal = ({ status, body }: Answer): Outcome =>
  status === 409 || (status === 500 && body.includes(BUSY)) ? 'refused' : 'error'

/** As a script drives an agent: status; if stable, a message; then status until stable again. */
async function message(w: Workload, id: string): Promise<void> {
  const before = await call(w, 'GET /:id/status', { path: `/${id}/status`, method: 'GET' })
  if (!before?.body.includes('"stable"')) return
  const content = `soak ${Math.random().toString(36).slice(2)} says hello`
  const sent = await call(
    w,
    'POST /:id/message',
    { path: `/${id}/message`, method: 'POST', body: JSON.stringify({ content, type: 'user' }) },
    refusal,
  )
  if (sent?.status !== 200) return
  const until = performance.now() + 30_000
  while (performance.now() < until && !w.signal.aborted) {
    await sleep(200, undefined, { signal: w.signal }).catch(() => {})
    const now = await call(w, 'GET /:id/status', { path: `/${id}/status`, method: 'GET' })
    if (now === null || now.status !== 200 || now.body.includes('"stable"')) return
  }
  if (!w.signal.aborted) w.record.record('message turn', 30_000, 'error', 'not stable in 30 s')
}

/**
 * A subscriber: opens `/:id/events`, reads what arrives for 1–5 s, then leaves. The latency is
 * the time to the response headers; a stream that ends before the subscriber leaves is an error.
 */
async function events(w: Workload, id: string): Promise<void> {
  const action = 'GET /:id/events'
  const leave = new AbortController()
  const { signal } = leave
  const stop = () => leave.abort()
  w.signal.addEventListener('abort', stop, { once: true })
  const started = performance.now()
  try {
    const res = await w.pool.request({
      path: `/${id}/events`,
      method: 'GET',
      headers: { ...w.headers, accept: 'text/event-stream' },
      signal,
    })
    const ms = performance.now() - started
    if (res.statusCode !== 200) {
      const answer = { status: res.statusCode, body: await res.body.text() }
      return w.record.record(action, ms, 'error', kindOf(action, answer))
    }
    w.record.stream(1)
    const timer = setTimeout(() => leave.abort(), 1000 + Math.random() * 4000)
    let received = 0
    try {
      for await (const chunk of res.body) received += String(chunk).split('\n\n').length - 1
      // The stream ended on its own, before the subscriber left.
      w.record.record(action, ms, 'error', `${action} → ended after ${received} events`)
    } catch (error) {
      if (!signal.aborted)
        return w.record.record(action, ms, 'error', `${action} → ${name(error)} while reading`)
      if (received > 0) w.record.record(action, ms, 'ok')
      // Held for a second or more without the replay agentapi sends first: an error, unless the
      // run's end cut it short.
      else if (!w.signal.aborted) w.record.record(action, ms, 'error', `${action} → no event`)
    } finally {
      clearTimeout(timer)
      w.record.stream(-1)
    }
  } catch (error) {
    if (signal.aborted) return
    w.record.record(action, performance.now() - started, 'error', `${action} → ${name(error)}`)
  } finally {
    w.signal.removeEventListener('abort', stop)
  }
}
