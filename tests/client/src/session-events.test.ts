import { createClient, type SessionEvent } from '@agentapi-proxy/client'
import { afterAll, describe, expect, it } from 'vitest'
import { droppableEventStreams, eventually, startProxy } from './harness.ts'

const proxy = await startProxy()
afterAll(() => proxy.close())
const client = createClient({ baseUrl: proxy.url })

const isStopped = (id: string) => (event: SessionEvent) =>
  event.type === 'status' && event.session.session_id === id && event.session.status === 'stopped'

describe('client.sessionEvents()', () => {
  it('reconnects after a dropped connection with Last-Event-ID and misses nothing', async () => {
    const network = droppableEventStreams()
    const dropping = createClient({ baseUrl: proxy.url, fetch: network.fetch })
    const controller = new AbortController()
    const opened: boolean[] = []
    const events = dropping.sessionEvents({
      signal: controller.signal,
      reconnect: { delay: 50 },
      onOpen: (reconnected) => opened.push(reconnected),
    })
    // The iterator opens its stream on the first `next()`; the start comes once it is open.
    const first = events.next()
    await eventually(async () => (opened.length === 1 ? true : undefined))
    const { session_id: id } = await client.start()
    const created = (await first).value as SessionEvent
    expect(created).toMatchObject({ type: 'created', session: { session_id: id } })

    expect(network.dropEventStreams()).toBe(1)
    await eventually(async () =>
      (await client.getSession(id)).status === 'active' ? 1 : undefined,
    )
    await client.deleteSession(id)
    const after: SessionEvent[] = []
    for await (const event of events) {
      after.push(event)
      if (isStopped(id)(event)) break
    }
    controller.abort()
    expect(opened).toEqual([false, true])
    // Exactly what the log holds after `created`: nothing lost, nothing twice.
    const log = await client.waitForSessionEvents({ after: created.id, timeout: 0 })
    expect(after).toEqual(log.events)
    expect(after.map((event) => event.type)).toContain('status')
  })

  it('ends without an error when its signal aborts', async () => {
    const controller = new AbortController()
    const seen: SessionEvent[] = []
    const reading = (async () => {
      for await (const event of client.sessionEvents({ signal: controller.signal }))
        seen.push(event)
    })()
    setTimeout(() => controller.abort(), 100)
    await expect(reading).resolves.toBeUndefined()
    expect(seen).toEqual([])
  })
})

describe('client.waitForSessionEvents()', () => {
  it('answers with the next change, and with none once the time runs out', async () => {
    const { latest_id } = await client.waitForSessionEvents({ timeout: 0 })
    expect(await client.waitForSessionEvents({ after: latest_id, timeout: 0.2 })).toEqual({
      events: [],
      latest_id,
    })
    const waiting = client.waitForSessionEvents({ after: latest_id, timeout: 30 })
    const { session_id: id } = await client.start()
    const { events } = await waiting
    expect(events[0]).toMatchObject({ type: 'created', session: { session_id: id } })
    await client.deleteSession(id)
  })
})
