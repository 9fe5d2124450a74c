import { readFileSync } from 'node:fs'
import { type AgentEvent, ApiError, type Client } from '@agentapi-proxy/client'
import { afterEach, expect, it } from 'vitest'
import type { droppableEventStreams } from './harness.ts'

/** Where the agent suite runs: a client, a way to cut its streams, fresh stable sessions. */
export interface AgentTarget {
  client: Client
  streams: ReturnType<typeof droppableEventStreams>
  /** A new session whose agent is `stable`. */
  newSession(): Promise<string>
  /** Stops what `newSession` started. */
  cleanup(): Promise<void>
}

/** Pulls events until one matches; returns every event pulled, the match last. */
async function until<T>(iterator: AsyncIterator<T>, match: (value: T) => boolean): Promise<T[]> {
  const seen: T[] = []
  for (;;) {
    const next = await iterator.next()
    if (next.done) throw new Error(`the iterator ended after ${JSON.stringify(seen)}`)
    seen.push(next.value)
    if (match(next.value)) return seen
  }
}

const isStatus = (status: 'running' | 'stable') => (event: AgentEvent) =>
  event.type === 'status_change' && event.data.status === status
const isAgentText = (text: string) => (event: AgentEvent) =>
  event.type === 'message_update' && event.data.role === 'agent' && event.data.message === text

/**
 * The agent methods' behaviour against a real echo agent (agentapi on the wire), through the proxy
 * that `target` puts before it.
 */
export function agentBehaviour(target: () => AgentTarget) {
  afterEach(async () => {
    await target().cleanup()
  })

  it('sends a message; messages and status show the echoed reply', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    expect((await client.messages(id)).messages).toMatchObject([{ id: 0, role: 'agent' }])
    expect(await client.sendMessage(id, 'hello')).toMatchObject({ ok: true })
    const status = await client.status(id)
    expect(['running', 'stable']).toContain(status.status)
    expect(status).toMatchObject({ agent_type: expect.any(String), transport: 'pty' })
    await client.waitForStatus(id, 'stable', { timeout: 10_000 })
    const { messages } = await client.messages(id)
    expect(messages.map((m) => m.id)).toEqual([0, 1, 2])
    expect(messages.slice(1)).toMatchObject([
      { role: 'user', content: 'hello' },
      { role: 'agent', content: 'Echo: hello' },
    ])
    expect((await client.status(id)).status).toBe('stable')
  })

  it('types raw keystrokes without recording them', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    expect(await client.sendMessage(id, '\x1b', 'raw')).toMatchObject({ ok: true })
    expect((await client.messages(id)).messages).toHaveLength(1)
  })

  it('turns agentapi’s refusal into an ApiError that names the request and the reason', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    const error = await client.sendMessage(id, '   ').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 500, code: 'internal', method: 'POST' })
    expect((error as ApiError).message).toMatch(
      new RegExp(`^POST /${id}/message → 500 internal: .*message must not be empty`),
    )
  })

  it('streams typed events: the current state first, then the live turn', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    const events = client.events(id)
    const replay = await until(events, (e) => e.type === 'status_change')
    expect(replay[0]).toMatchObject({ type: 'message_update', data: { id: 0, role: 'agent' } })
    expect(replay.at(-1)).toEqual({
      type: 'status_change',
      data: { status: 'stable', agent_type: expect.any(String) },
    })
    await client.sendMessage(id, 'hi')
    const live = await until(events, isStatus('stable'))
    expect(live[0]).toEqual({
      type: 'status_change',
      data: expect.objectContaining({ status: 'running' }),
    })
    expect(live).toContainEqual({
      type: 'message_update',
      data: { id: 1, role: 'user', message: 'hi', time: expect.any(String) },
    })
    const reply = live.filter((e) => e.type === 'message_update' && e.data.role === 'agent')
    expect(new Set(reply.map((e) => e.type === 'message_update' && e.data.id))).toEqual(
      new Set([2]),
    )
    expect(reply.at(-1)).toMatchObject({ data: { message: 'Echo: hi' } })
    await events.return()
  })

  it('keeps yielding when its stream is dropped: reconnects and replays the state', async () => {
    const { client, streams, newSession } = target()
    const id = await newSession()
    const opens: boolean[] = []
    const retries: number[] = []
    const events = client.events(id, {
      reconnect: { delay: 10 },
      onOpen: (reconnected) => opens.push(reconnected),
      onRetry: (_error, attempt) => retries.push(attempt),
    })
    await until(events, (e) => e.type === 'status_change')
    expect(streams.dropEventStreams()).toBeGreaterThan(0)
    const replay = await until(events, (e) => e.type === 'status_change')
    expect(opens).toEqual([false, true])
    expect(retries).toEqual([1])
    expect(replay[0]).toMatchObject({ type: 'message_update', data: { id: 0 } })
    await client.sendMessage(id, 'after the drop')
    await until(events, isAgentText('Echo: after the drop'))
    await events.return()
  })

  it('conversation() upserts by id, across a dropped stream too', async () => {
    const { client, streams, newSession } = target()
    const id = await newSession()
    const controller = new AbortController()
    const states = client.conversation(id, { signal: controller.signal, reconnect: { delay: 10 } })
    const last = (s: { messages: readonly { content: string }[] }) => s.messages.at(-1)?.content
    await until(states, (s) => s.status === 'stable')
    await client.sendMessage(id, 'one')
    await until(states, (s) => s.status === 'stable' && last(s) === 'Echo: one')
    streams.dropEventStreams()
    await client.sendMessage(id, 'two')
    const seen = await until(states, (s) => s.status === 'stable' && last(s) === 'Echo: two')
    expect(seen.at(-1)?.messages.map((m) => [m.id, m.role, m.content])).toEqual([
      [0, 'agent', expect.any(String)],
      [1, 'user', 'one'],
      [2, 'agent', 'Echo: one'],
      [3, 'user', 'two'],
      [4, 'agent', 'Echo: two'],
    ])
    controller.abort()
    expect(await states.next()).toEqual({ done: true, value: undefined })
  })

  it('waitForStatus resolves at once when the agent already has that status', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    expect(await client.waitForStatus(id, 'stable', { timeout: 5_000 })).toEqual({
      status: 'stable',
      agent_type: expect.any(String),
    })
  })

  it('waitForStatus rejects with a TimeoutError, or with the abort reason', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    const timedOut = await client.waitForStatus(id, 'running', { timeout: 150 }).catch((e) => e)
    expect(timedOut).toMatchObject({ name: 'TimeoutError' })
    expect(String(timedOut.message)).toContain(id)
    const controller = new AbortController()
    const waiting = client.waitForStatus(id, 'running', { signal: controller.signal })
    controller.abort(new Error('the user gave up'))
    await expect(waiting).rejects.toThrow('the user gave up')
  })

  it('uploads a Blob under the given name, and a File under its own', async () => {
    const { client, newSession } = target()
    const id = await newSession()
    const csv = await client.upload(id, new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'data.csv')
    expect(csv).toMatchObject({ ok: true, filePath: expect.stringMatching(/\/data\.csv$/) })
    expect(readFileSync(csv.filePath, 'utf8')).toBe('a,b\n1,2\n')
    const notes = await client.upload(id, new File(['remember'], 'notes.txt'))
    expect(notes.filePath).toMatch(/\/notes\.txt$/)
    expect(readFileSync(notes.filePath, 'utf8')).toBe('remember')
  })
}
