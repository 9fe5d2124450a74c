import type { SessionEvent } from '@agentapi-proxy/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventStreamReader, type StreamEvent } from '../echo-agent/event-stream-reader.ts'
import { startTestServer, type TestServer } from '../testing/test-server.ts'

const ALICE = 'alice-key-0123456789abcdef'
const BOB = 'bob-key-0123456789abcdefgh'
const ADMIN = 'admin-key-0123456789abcdef'
const REPLAY_EVENTS = 8

let proxy: TestServer
const readers: EventStreamReader[] = []

beforeAll(async () => {
  const api_keys = [
    { key: ALICE, user_id: 'alice', permissions: ['*'] },
    { key: BOB, user_id: 'bob', permissions: ['*'] },
    { key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'] },
  ]
  proxy = await startTestServer({
    auth: { enabled: true, static: { enabled: true, api_keys } },
    events: { heartbeat: '100ms', replay_events: REPLAY_EVENTS },
  })
})
afterAll(async () => {
  for (const reader of readers) reader.close()
  await proxy?.close()
})

function follow(key: string, lastEventId?: number): EventStreamReader {
  const headers: Record<string, string> = { 'X-API-Key': key }
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId)
  const reader = new EventStreamReader(`${proxy.url}/sessions/events`, headers)
  readers.push(reader)
  return reader
}

/** Session events up to and including the first that matches (comments skipped). */
async function takeUntil(
  reader: EventStreamReader,
  last: (event: SessionEvent) => boolean,
): Promise<SessionEvent[]> {
  const events: SessionEvent[] = []
  while (events.length === 0 || !last(events.at(-1) as SessionEvent)) {
    events.push(...(await take(reader, 1)))
  }
  return events
}

const statusIs = (status: string) => (e: SessionEvent) =>
  e.type === 'status' && e.session.status === status

/** The next `n` session events (heartbeats and other comments skipped). */
async function take(reader: EventStreamReader, n: number): Promise<SessionEvent[]> {
  const events: SessionEvent[] = []
  while (events.length < n) {
    const next = await reader.next()
    if (next.data !== undefined) events.push(next.data as SessionEvent)
  }
  return events
}

async function call(key: string, path: string, method = 'GET') {
  const res = await fetch(`${proxy.url}${path}`, {
    method,
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    ...(method === 'POST' ? { body: '{}' } : {}),
  })
  return { status: res.status, body: await res.json() }
}

const start = async (key: string) => (await call(key, '/start', 'POST')).body.session_id as string
const stop = (key: string, id: string) => call(key, `/sessions/${id}`, 'DELETE')
const brief = (events: SessionEvent[]) =>
  events.map((e) => (e.type === 'reset' ? 'reset' : `${e.type}:${e.session.status}`))

describe('GET /sessions/events', () => {
  it("streams a user's own changes in order, with the summary, and never another user's", async () => {
    const alice = follow(ALICE)
    const bob = follow(BOB)
    const admin = follow(ADMIN)
    await Promise.all([alice.response, bob.response, admin.response])
    const aliceSession = await start(ALICE)
    const mine = await takeUntil(alice, statusIs('active'))
    expect(brief(mine)).toEqual(['created:starting', 'status:active'])
    expect(mine.every((e) => e.type !== 'reset' && e.session.session_id === aliceSession)).toBe(
      true,
    )
    const bobSession = await start(BOB)
    await stop(ALICE, aliceSession)
    await stop(BOB, bobSession)
    const bobs = await takeUntil(bob, statusIs('stopped'))
    // Bob hears his own session from its creation to its end, and nothing of alice's.
    expect(brief(bobs)[0]).toBe('created:starting')
    expect(bobs.every((e) => e.type !== 'reset' && e.session.session_id === bobSession)).toBe(true)
    const all = await takeUntil(
      admin,
      (e) => statusIs('stopped')(e) && e.type !== 'reset' && e.session.user_id === 'bob',
    )
    const ids = all.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(all.map((e) => e.type !== 'reset' && e.session.session_id))).toEqual(
      new Set([aliceSession, bobSession]),
    )
    // The admin saw alice's events and bob's, each in the order its owner saw them.
    const bobsAsAdmin = all.filter((e) => e.type !== 'reset' && e.session.user_id === 'bob')
    expect(bobsAsAdmin.map((e) => e.id)).toEqual(bobs.map((e) => e.id))
  })

  it('sends heartbeat comments while quiet, and the current position first', async () => {
    const reader = follow(ALICE)
    const res = await reader.response
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/)
    const first = await reader.next()
    expect(first.raw).toMatch(/^retry: \d+\nid: \d+\n: connected\n\n$/)
    const heartbeat = await reader.next()
    expect(heartbeat.raw).toBe(': heartbeat\n\n')
    reader.close()
  })

  it('replays what a dropped stream missed from Last-Event-ID, then goes on live', async () => {
    const first = follow(ALICE)
    await first.response
    const id = await start(ALICE)
    const [created] = await take(first, 1)
    first.close()
    await eventuallyStatus(ALICE, id, 'active')
    await stop(ALICE, id)
    const resumed = follow(ALICE, created?.id)
    const missed = await takeUntil(resumed, statusIs('stopped'))
    // Exactly what the log holds after the last event the first stream got.
    const { body } = await call(ALICE, `/sessions/events/wait?after=${created?.id}&timeout=0`)
    expect(missed).toEqual(body.events)
    expect(created?.type).toBe('created')
    expect(brief(missed)).toEqual(expect.arrayContaining(['status:active', 'status:stopping']))
    const next = await start(ALICE)
    const [live] = await take(resumed, 1)
    expect(live).toMatchObject({ type: 'created', session: { session_id: next } })
    await eventuallyStatus(ALICE, next, 'active')
    await stop(ALICE, next)
  })

  it('opens with a reset when Last-Event-ID is older than the replay window', async () => {
    const reader = follow(ALICE, 1)
    const [reset] = await take(reader, 1)
    expect(reset).toMatchObject({ type: 'reset' })
    const { body } = await call(ALICE, '/sessions/events/wait?timeout=0')
    expect(reset?.id).toBe(body.latest_id)
    const id = await start(ALICE)
    expect(await take(reader, 1)).toMatchObject([{ type: 'created', session: { session_id: id } }])
    await eventuallyStatus(ALICE, id, 'active')
    await stop(ALICE, id)
  })

  it('ends an open stream when its API key is revoked', async () => {
    const res = await fetch(`${proxy.url}/api-keys`, {
      method: 'POST',
      headers: { 'X-API-Key': ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'watcher', user_id: 'alice' }),
    })
    const created = (await res.json()) as { id: string; key: string }
    const reader = follow(created.key)
    await reader.next() // open: the position and `connected`
    expect((await call(ADMIN, `/api-keys/${created.id}`, 'DELETE')).status).toBe(200)
    await reader.ended()
  })

  it('refuses a caller without credentials, and a malformed Last-Event-ID', async () => {
    expect((await fetch(`${proxy.url}/sessions/events`)).status).toBe(401)
    const res = await fetch(`${proxy.url}/sessions/events`, {
      headers: { 'X-API-Key': ALICE, 'Last-Event-ID': 'yesterday' },
    })
    expect(res.status).toBe(422)
    expect((await res.json()).errors[0].path).toBe('last-event-id')
  })
})

describe('GET /sessions/events/wait', () => {
  it('answers at once with what came after `after`', async () => {
    const { body: before } = await call(BOB, '/sessions/events/wait?timeout=0')
    const id = await start(BOB)
    await eventuallyStatus(BOB, id, 'active')
    const { body } = await call(BOB, `/sessions/events/wait?after=${before.latest_id}&timeout=30`)
    expect(brief(body.events).slice(0, 2)).toEqual(['created:starting', 'status:active'])
    expect(body.latest_id).toBe(body.events.at(-1).id)
    await stop(BOB, id)
  })

  it('waits for the next change, and answers none when the time runs out', async () => {
    const { body: now } = await call(ALICE, '/sessions/events/wait?timeout=0')
    const began = Date.now()
    const empty = await call(ALICE, `/sessions/events/wait?after=${now.latest_id}&timeout=0.3`)
    expect(empty.body).toEqual({ events: [], latest_id: now.latest_id })
    expect(Date.now() - began).toBeGreaterThanOrEqual(250)
    // Bob's change is not alice's: she goes on waiting, and hears her own.
    const waiting = call(ALICE, `/sessions/events/wait?after=${now.latest_id}&timeout=30`)
    const bobs = await start(BOB)
    const alices = await start(ALICE)
    const { body } = await waiting
    expect(body.events[0]).toMatchObject({ type: 'created', session: { session_id: alices } })
    for (const [key, id] of [
      [BOB, bobs],
      [ALICE, alices],
    ] as const) {
      await eventuallyStatus(key, id, 'active')
      await stop(key, id)
    }
  })

  it('names a timeout out of bounds', async () => {
    const { status, body } = await call(ALICE, '/sessions/events/wait?timeout=61')
    expect(status).toBe(422)
    expect(body.errors[0].path).toBe('timeout')
  })
})

async function eventuallyStatus(key: string, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while ((await call(key, `/sessions/${id}`)).body.status !== status) {
    if (Date.now() > deadline) throw new Error(`session ${id} never became ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export type { StreamEvent }
