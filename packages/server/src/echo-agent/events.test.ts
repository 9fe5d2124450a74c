import { describe, expect, it } from 'vitest'
import { EventStreamReader, type StreamEvent, statusIs } from './event-stream-reader.ts'
import { postMessage, probe } from './probe.ts'
import { DEFAULT_GREETING } from './settings.ts'
import { untilStable, useEchoAgents } from './test-agents.ts'

/** An event without its time, which cannot be predicted. */
const summary = ({ event, data }: StreamEvent) => {
  const { time: _time, ...rest } = data as Record<string, unknown>
  return [event, rest]
}

async function collectUntilStable(reader: EventStreamReader): Promise<StreamEvent[]> {
  const events: StreamEvent[] = []
  for (;;) {
    const event = await reader.next()
    events.push(event)
    if (statusIs('stable')(event)) return events
  }
}

async function messages(url: string) {
  return JSON.parse((await probe(`${url}/messages`)).body).messages as {
    role: string
    content: string
  }[]
}

describe('echo agent /events', () => {
  const start = useEchoAgents()

  it('sends agentapi’s SSE headers and replays the state on connect', async () => {
    const agent = await start()
    await untilStable(agent)
    const reader = new EventStreamReader(`${agent.url}/events`)
    const res = await reader.response
    expect(res.headers).toMatchObject({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-store, must-revalidate',
      pragma: 'no-cache',
      expires: '0',
      'x-accel-buffering': 'no',
      'x-proxy-buffering': 'no',
      connection: 'keep-alive',
    })
    const greeting = await reader.next()
    expect(greeting.raw).toMatch(
      /^event: message_update\ndata: \{"id":0,"role":"agent","message":"Hello! I'm ready to help you\. Please send me a message to echo back\.","time":"[^"]+"\}\n\n$/,
    )
    expect((await reader.next()).raw).toBe(
      'event: status_change\ndata: {"status":"stable","agent_type":"custom"}\n\n',
    )
    reader.close()
  })

  it('streams one echo turn in the order agentapi emits it', async () => {
    const agent = await start()
    await untilStable(agent)
    const reader = new EventStreamReader(`${agent.url}/events`)
    expect((await collectUntilStable(reader)).map(summary)).toEqual([
      ['message_update', { id: 0, role: 'agent', message: DEFAULT_GREETING }],
      ['status_change', { status: 'stable', agent_type: 'custom' }],
    ])
    const post = postMessage(agent.url, { content: 'hi', type: 'user' })
    const turn = await collectUntilStable(reader)
    expect((await post).status).toBe(200)
    expect(turn.map(summary)).toEqual([
      ['status_change', { status: 'running', agent_type: 'custom' }],
      ['message_update', { id: 1, role: 'user', message: 'hi' }],
      ['message_update', { id: 2, role: 'agent', message: 'Echo: ' }],
      ['message_update', { id: 2, role: 'agent', message: 'Echo: hi' }],
      ['status_change', { status: 'stable', agent_type: 'custom' }],
    ])
    expect(Object.keys(turn[1]?.data as object)).toEqual(['id', 'role', 'message', 'time'])
    reader.close()
  })

  it('replays every message, then the status, to a subscriber that connects later', async () => {
    const agent = await start({ type: 'claude' })
    await untilStable(agent)
    await postMessage(agent.url, { content: 'hi', type: 'user' })
    await untilStable(agent)
    const reader = new EventStreamReader(`${agent.url}/events`)
    expect((await collectUntilStable(reader)).map(summary)).toEqual([
      ['message_update', { id: 0, role: 'agent', message: DEFAULT_GREETING }],
      ['message_update', { id: 1, role: 'user', message: 'hi' }],
      ['message_update', { id: 2, role: 'agent', message: 'Echo: hi' }],
      ['status_change', { status: 'stable', agent_type: 'claude' }],
    ])
    reader.close()
  })

  it('reports running in /status while answering, and stable once settled', async () => {
    const agent = await start({ settleMs: 200 })
    await untilStable(agent)
    expect(JSON.parse((await probe(`${agent.url}/status`)).body).status).toBe('stable')
    await postMessage(agent.url, { content: 'hi', type: 'user' })
    expect(JSON.parse((await probe(`${agent.url}/status`)).body).status).toBe('running')
    await untilStable(agent)
    expect(JSON.parse((await probe(`${agent.url}/status`)).body).status).toBe('stable')
  })

  it('makes GET /status wait for an in-flight POST /message, as agentapi’s lock does', async () => {
    const agent = await start({ ackMs: 300 })
    const reader = new EventStreamReader(`${agent.url}/events`)
    await reader.until(statusIs('stable'))
    const post = postMessage(agent.url, { content: 'hi', type: 'user' })
    await reader.until(statusIs('running'))
    const asked = Date.now()
    const status = await probe(`${agent.url}/status`)
    expect(Date.now() - asked).toBeGreaterThanOrEqual(150)
    expect((await post).status).toBe(200)
    expect(JSON.parse(status.body).status).toBe('running')
    reader.close()
  })

  it('sends the initial prompt once ready, staying running until it is answered', async () => {
    const agent = await start({ initialPrompt: '  hello  ', settleMs: 100 })
    const reader = new EventStreamReader(`${agent.url}/events`)
    const events = await collectUntilStable(reader)
    const statuses = events
      .filter((e) => e.event === 'status_change')
      .map((e) => (e.data as { status: string }).status)
    expect(statuses).toEqual(['running', 'stable'])
    expect(events.map(summary)).toContainEqual([
      'message_update',
      { id: 1, role: 'user', message: 'hello' },
    ])
    expect(await messages(agent.url)).toMatchObject([
      { role: 'agent', content: DEFAULT_GREETING },
      { role: 'user', content: 'hello' },
      { role: 'agent', content: 'Echo: hello' },
    ])
    reader.close()
  })

  it('takes raw keystrokes at any time without recording them', async () => {
    const agent = await start({ settleMs: 300 })
    await untilStable(agent)
    await postMessage(agent.url, { content: 'hi', type: 'user' })
    const raw = await postMessage(agent.url, { content: '\r', type: 'raw' })
    expect(raw.status).toBe(200)
    expect(JSON.parse(raw.body)).toMatchObject({ ok: true })
    await untilStable(agent)
    expect((await postMessage(agent.url, { content: '\x1b[A', type: 'raw' })).status).toBe(200)
    expect((await messages(agent.url)).map((m) => m.role)).toEqual(['agent', 'user', 'agent'])
  })

  it('stops a streaming reply on Esc, like the chat UI’s interrupt button', async () => {
    const agent = await start({ chunks: 4, chunkIntervalMs: 400 })
    const reader = new EventStreamReader(`${agent.url}/events`)
    await reader.until(statusIs('stable'))
    await postMessage(agent.url, { content: 'one two three', type: 'user' })
    await reader.until((e) => e.event === 'message_update' && (e.data as { id: number }).id === 2)
    await postMessage(agent.url, { content: '\x1b', type: 'raw' })
    const rest = await collectUntilStable(reader)
    expect(rest.map(summary)).toEqual([
      ['status_change', { status: 'stable', agent_type: 'custom' }],
    ])
    expect((await messages(agent.url)).at(-1)?.content).toBe('Echo: ')
    reader.close()
  })

  it('escapes <, > and & in event data as Go does, but not in /messages', async () => {
    const agent = await start()
    const reader = new EventStreamReader(`${agent.url}/events`)
    await reader.until(statusIs('stable'))
    await postMessage(agent.url, { content: 'a <b> & c', type: 'user' })
    const user = await reader.until(
      (e) => e.event === 'message_update' && (e.data as { id: number }).id === 1,
    )
    expect(user.raw).toContain('"message":"a \\u003cb\\u003e \\u0026 c"')
    expect((await probe(`${agent.url}/messages`)).body).toContain('"content":"a <b> & c"')
    reader.close()
  })

  it('wraps the reply at the terminal width', async () => {
    const agent = await start({ termWidth: 20 })
    await untilStable(agent)
    await postMessage(agent.url, { content: 'x'.repeat(30), type: 'user' })
    await untilStable(agent)
    expect((await messages(agent.url)).at(-1)?.content).toBe(
      `Echo: ${'x'.repeat(14)}\n${'x'.repeat(16)}`,
    )
  })
})

describe('echo agent /internal/screen', () => {
  const start = useEchoAgents()

  it('replays the screen, then sends it again on every change', async () => {
    const agent = await start()
    await untilStable(agent)
    const reader = new EventStreamReader(`${agent.url}/internal/screen`)
    const first = await reader.next()
    expect(first.event).toBe('screen')
    expect(first.data).toEqual({ screen: `${DEFAULT_GREETING}\n\n>` })
    await postMessage(agent.url, { content: 'hi', type: 'user' })
    const last = await reader.until((e) =>
      (e.data as { screen: string }).screen.endsWith('Echo: hi\n\n>'),
    )
    expect(last.data).toEqual({ screen: `${DEFAULT_GREETING}\n\n> hi\n\nEcho: hi\n\n>` })
    reader.close()
  })
})

describe('echo agent shutdown', () => {
  const start = useEchoAgents()

  it('ends every stream and stops listening on close()', async () => {
    const agent = await start()
    const reader = new EventStreamReader(`${agent.url}/events`)
    await reader.next()
    await agent.close()
    await reader.ended()
    await expect(probe(`${agent.url}/status`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('exits when the user sends /exit, as Claude Code does', async () => {
    const agent = await start()
    const reader = new EventStreamReader(`${agent.url}/events`)
    await reader.until(statusIs('stable'))
    expect((await postMessage(agent.url, { content: '/exit', type: 'user' })).status).toBe(200)
    await reader.ended()
    await agent.closed
    await expect(probe(`${agent.url}/status`)).rejects.toThrow(/ECONNREFUSED/)
  })
})
