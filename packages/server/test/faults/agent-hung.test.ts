import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../src/testing/eventually.ts'
import { type FaultSetup, faultSetup, startFaultServer, stopAll } from '../fault-server.ts'
import type { ServerProcess } from '../server-process.ts'
import { agentProcesses, answerOf, connectionsTo, openFds, readUntil } from './agent-faults.ts'

// Issue 18: an agent that takes requests and never answers them, through a real server process.
// Without a bound on the wait each caller, and a socket to the agent, would be held for as long
// as the caller cares to wait.

const NEVER_ANSWERS = fileURLToPath(
  new URL('../fixtures/agents/never-answers.mjs', import.meta.url),
)
const RESPONSE_TIMEOUT_MS = 3_000
const HUNG = 50

const setups: FaultSetup[] = []
afterEach(async () => {
  await Promise.all(setups.splice(0).map(stopAll))
})

/** A server whose agents are the never-answers fixture, `FAULT_AGENT` chosen per session. */
async function startServer(session: Record<string, unknown> = {}) {
  const setup = faultSetup((dir) => ({ path: join(dir, 'proxy.sqlite') }), {
    agent: { command: [process.execPath, NEVER_ANSWERS, '{port}'] },
    proxy: { response_timeout: `${RESPONSE_TIMEOUT_MS}ms` },
    // Kept-alive caller connections go soon after their answer, so the fds can be seen back.
    server: { keep_alive_timeout: 1 },
    session: { sandbox: 'none', environment: { allow: ['FAULT_AGENT'] }, ...session },
  })
  setups.push(setup)
  return { setup, server: await startFaultServer(setup) }
}

/** Starts a session and waits until it is `active` or `failed`. */
async function startSession(server: ServerProcess, environment: Record<string, string>) {
  const res = await fetch(`${server.url}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ environment }),
  })
  expect(res.status).toBe(201)
  const { session_id: id } = (await res.json()) as { session_id: string }
  return eventually(async () => {
    const s = await (await fetch(`${server.url}/sessions/${id}`)).json()
    return ['active', 'failed'].includes(s.status) ? s : undefined
  }, 30_000)
}

async function activeSession(server: ServerProcess, environment: Record<string, string>) {
  const session = await startSession(server, environment)
  expect(session).toMatchObject({ status: 'active' })
  return { id: session.session_id as string, port: session.port as number }
}

/** `/health`'s slowest answer, polled one after another until `done` settles. */
async function healthMaxWhile(server: ServerProcess, done: Promise<unknown>) {
  let settled = false
  void done.finally(() => {
    settled = true
  })
  let max = 0
  let polls = 0
  while (!settled) {
    const started = performance.now()
    const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(20_000) })
    await res.body?.cancel()
    expect(res.status).toBe(200)
    max = Math.max(max, performance.now() - started)
    polls++
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { max: Math.round(max), polls }
}

describe('an agent that accepts requests and never answers', () => {
  it('gets 502 problem+json after proxy.response_timeout, while the server stays responsive and frees the sockets', async () => {
    const { setup, server } = await startServer()
    const serverPid = server.child.pid as number
    const { id: hung, port } = await activeSession(server, {})
    const { id: healthy } = await activeSession(server, { FAULT_AGENT: 'answers' })
    const agentFds = () =>
      agentProcesses(setup, hung).reduce((sum, entry) => sum + openFds(entry.pid), 0)
    const before = { server: openFds(serverPid), agent: agentFds(), upstream: connectionsTo(port) }

    const started = performance.now()
    const held = Array.from({ length: HUNG }, (_, i) =>
      fetch(`${server.url}/${hung}/messages?n=${i}`, { signal: AbortSignal.timeout(60_000) }).then(
        async (res) => ({ ...(await answerOf(res)), ms: performance.now() - started }),
      ),
    )
    const all = Promise.all(held)
    // Every request is in: a connection from the proxy to the agent each…
    const upstream = await eventually(async () => {
      const open = connectionsTo(port)
      return open >= before.upstream + HUNG ? open : undefined
    }, 20_000)
    const peak = openFds(serverPid)
    // …and behind the agent's port the guard's two sockets and the agent's one.
    const agentPeak = await eventually(async () => {
      const fds = agentFds()
      return fds >= before.agent + HUNG * 2 ? fds : undefined
    }, 20_000)
    const neighbour = await fetch(`${server.url}/${healthy}/messages`)
    expect(neighbour.status).toBe(200)
    expect(await neighbour.json()).toMatchObject({ messages: [] })
    const health = await healthMaxWhile(server, all)

    const answers = await all
    for (const answer of answers) {
      expect(answer).toMatchObject({
        status: 502,
        contentType: 'application/problem+json',
        body: { code: 'agent_unavailable', status: 502 },
      })
      expect(answer.body.detail).toContain('did not answer in time')
      expect(answer.ms).toBeGreaterThanOrEqual(RESPONSE_TIMEOUT_MS - 50)
    }
    // Polled, not slept for: the sockets go as the server, the guard and the agent see them close.
    const after = await eventually(async () => {
      const now = { server: openFds(serverPid), agent: agentFds(), upstream: connectionsTo(port) }
      const freed = now.upstream <= before.upstream && now.agent <= before.agent + 2
      return freed && now.server <= before.server + 2 ? now : undefined
    }, 20_000)
    // A hung agent is slow, not gone: its session stays active and the proxy keeps serving it.
    const session = await (await fetch(`${server.url}/sessions/${hung}`)).json()
    expect(session.status).toBe('active')
    expect((await fetch(`${server.url}/${hung}/status`)).status).toBe(200)
    const times = answers.map((answer) => answer.ms)
    console.info(
      `agent hung: ${HUNG} requests 502 after ${Math.round(Math.min(...times))}–` +
        `${Math.round(Math.max(...times))} ms (timeout ${RESPONSE_TIMEOUT_MS} ms); /health max ` +
        `${health.max} ms over ${health.polls} polls; connections to the agent ${before.upstream} → ` +
        `${upstream} → ${after.upstream}; server fds ${before.server} → ${peak} → ` +
        `${after.server}, agent fds ${before.agent} → ${agentPeak} → ${after.agent}`,
    )
    expect(health.max).toBeLessThan(2_000)
  }, 120_000)

  it('that stalls halfway through an answer has the caller cut after proxy.response_timeout, while its quiet /events stream stays open', async () => {
    const { server } = await startServer()
    const { id } = await activeSession(server, { FAULT_AGENT: 'stalls' })
    const events = await fetch(`${server.url}/${id}/events`)
    const stream = (events.body as ReadableStream<Uint8Array>).getReader()
    await readUntil(stream, (text) => text.includes('status_change'))

    const started = performance.now()
    const res = await fetch(`${server.url}/${id}/messages`)
    expect(res.status).toBe(200)
    const cut = await res.text().then(
      () => null,
      (error: Error) => error,
    )
    const cutAfter = Math.round(performance.now() - started)
    expect(cut).toBeInstanceOf(Error)
    expect(cutAfter).toBeGreaterThanOrEqual(RESPONSE_TIMEOUT_MS - 50)

    // The event stream has been silent longer than the timeout, and is still open.
    const more = stream.read()
    const quiet = await Promise.race([
      more.then(() => 'ended or spoke'),
      new Promise((resolve) => setTimeout(() => resolve('open'), 500)),
    ])
    expect(quiet).toBe('open')
    await stream.cancel()
    // Slow, not gone: the session stays active.
    const session = await (await fetch(`${server.url}/sessions/${id}`)).json()
    expect(session.status).toBe('active')
    console.info(`agent stalls mid-answer: caller cut ${cutAfter} ms after its request`)
  }, 60_000)

  it('that does not even answer readiness fails its start after session.startup_timeout, and leaves nothing running', async () => {
    const { setup, server } = await startServer({ startup_timeout: '3s' })
    const started = performance.now()
    const session = await startSession(server, { FAULT_AGENT: 'deaf' })
    const failedAfter = Math.round(performance.now() - started)
    expect(session).toMatchObject({
      status: 'failed',
      exit_code: null,
      error: 'The agent was not ready within 3s',
    })
    expect(failedAfter).toBeGreaterThanOrEqual(3_000)
    const answer = await answerOf(await fetch(`${server.url}/${session.session_id}/status`))
    expect(answer).toMatchObject({
      status: 410,
      contentType: 'application/problem+json',
      body: { code: 'session_ended', session_status: 'failed' },
    })
    await eventually(async () =>
      agentProcesses(setup, session.session_id).length === 0 ? true : undefined,
    )
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    console.info(`agent deaf to readiness: failed ${failedAfter} ms after POST /start`)
  }, 60_000)
})
