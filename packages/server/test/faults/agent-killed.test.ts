import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../src/testing/eventually.ts'
import {
  activeSessions,
  type FaultSetup,
  faultSetup,
  startFaultServer,
  stopAll,
} from '../fault-server.ts'
import { agentPid, agentProcesses, answerOf, readUntil, untilEnd } from './agent-faults.ts'

// Issue 18: an agent killed with SIGKILL while a caller follows its /events and another waits on
// POST /message, through a real server process, a real echo agent and real sockets.

const setups: FaultSetup[] = []
afterEach(async () => {
  await Promise.all(setups.splice(0).map(stopAll))
})

// The ack stretched to 10 minutes keeps POST /message open at the agent until the kill.
const SLOW_ACK = { ECHO_AGENT_ACK_MS: '600000' }
// How long a client may wait for the proxy to notice; far above what it takes, for a busy CI.
const BOUND_MS = 10_000

describe('an agent killed with SIGKILL', () => {
  it('ends its SSE stream, 502s the message in flight, marks the session failed and 410s after', async () => {
    const setup = faultSetup((dir) => ({ path: join(dir, 'proxy.sqlite') }), {
      // No bubblewrap in between: the pid killed is the agent's own.
      session: {
        sandbox: 'none',
        inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'ECHO_AGENT_ACK_MS'],
      },
    })
    setups.push(setup)
    const server = await startFaultServer(setup, { env: SLOW_ACK })
    const [victim, bystander] = (await activeSessions(server, 2)) as [string, string]
    const pid = agentPid(setup, victim)

    const events = await fetch(`${server.url}/${victim}/events`)
    expect(events.status).toBe(200)
    expect(events.headers.get('content-type')).toContain('text/event-stream')
    const reader = (events.body as ReadableStream<Uint8Array>).getReader()
    expect(await readUntil(reader, (text) => text.includes('event: '))).toContain('event: ')
    const message = fetch(`${server.url}/${victim}/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'are you there?', type: 'user' }),
      signal: AbortSignal.timeout(BOUND_MS),
    })
    // The agent turns `running` as it takes the message: from here the POST is in its hands.
    await readUntil(reader, (text) => /"status":\s*"running"/.test(text))

    const killed = performance.now()
    process.kill(pid, 'SIGKILL')
    const since = () => Math.round(performance.now() - killed)
    const [streamEnd, inFlight] = await Promise.all([
      untilEnd(reader, BOUND_MS).then((how) => ({ how, ms: since() })),
      message.then(async (res) => ({ ...(await answerOf(res)), ms: since() })),
    ])
    expect(['done', 'error']).toContain(streamEnd.how)
    expect(inFlight).toMatchObject({
      status: 502,
      contentType: 'application/problem+json',
      body: { code: 'agent_unavailable', status: 502 },
    })

    // Until the exit is noticed the proxy may still try the dead agent (502); after, it says
    // how the session ended (410). Nothing else, ever.
    const seen: string[] = []
    const ended = await eventually(async () => {
      const answer = await answerOf(await fetch(`${server.url}/${victim}/status`))
      expect(answer.contentType).toBe('application/problem+json')
      expect([502, 410]).toContain(answer.status)
      expect(answer.body.code).toBe(answer.status === 502 ? 'agent_unavailable' : 'session_ended')
      seen.push(`${answer.status}`)
      return answer.status === 410 ? answer : undefined
    }, BOUND_MS)
    const flipped = since()
    expect(ended.body).toMatchObject({ session_status: 'failed' })
    expect(ended.body.detail).toContain('killed by SIGKILL')
    const session = await (await fetch(`${server.url}/sessions/${victim}`)).json()
    expect(session).toMatchObject({
      status: 'failed',
      exit_code: null,
      error: 'The agent was killed by SIGKILL',
    })

    // The rest of the proxy never noticed.
    const other = await fetch(`${server.url}/${bystander}/status`)
    expect(other.status).toBe(200)
    expect((await other.json()).status).toBe('stable')
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    expect(agentProcesses(setup, victim)).toEqual([])
    console.info(
      `agent SIGKILL: SSE ${streamEnd.how} at ${streamEnd.ms} ms, POST /message 502 at ` +
        `${inFlight.ms} ms, 410 from ${flipped} ms (answers before: ${seen.join(' ')})`,
    )
  }, 90_000)
})
