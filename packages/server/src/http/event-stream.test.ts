import type { SessionEvent } from '@agentapi-proxy/shared'
import { describe, expect, it, vi } from 'vitest'
import { eventStream, MAX_UNREAD } from './event-stream.ts'

const event = (id: number): SessionEvent => ({
  id,
  type: 'reset',
  at: '2026-12-07T00:00:00.000Z',
  reason: `event ${id}`,
})

/** A stream whose events the test sends one by one, and what it told the route. */
function open() {
  let send: (events: SessionEvent[]) => void = () => {}
  const told = { stop: vi.fn(), overflow: vi.fn(), close: vi.fn() }
  const stream = eventStream({
    heartbeatMs: 60_000,
    open: (write) => {
      send = write
      return told.stop
    },
    onOverflow: told.overflow,
    onClose: told.close,
  })
  return { stream, told, send: (id: number) => send([event(id)]) }
}

describe('eventStream', () => {
  it('ends the stream of a client that stopped reading once MAX_UNREAD messages wait', () => {
    const { told, send } = open()
    // One message (the opening comment) is queued already.
    for (let id = 1; id < MAX_UNREAD; id++) send(id)
    expect(told.overflow).not.toHaveBeenCalled()
    send(MAX_UNREAD)
    expect(told.overflow).toHaveBeenCalledOnce()
    expect(told.stop).toHaveBeenCalledOnce()
    expect(told.close).toHaveBeenCalledOnce()
    for (let id = MAX_UNREAD + 1; id < MAX_UNREAD + 100; id++) send(id)
    expect(told.overflow).toHaveBeenCalledOnce()
  })

  it('keeps the stream of a client that reads, however many messages pass', async () => {
    const { stream, told, send } = open()
    const reader = stream.getReader()
    let read = 0
    for (let id = 1; id <= 3 * MAX_UNREAD; id++) {
      send(id)
      // Behind by up to half the cap at times, then caught up.
      if (id % (MAX_UNREAD / 2) !== 0) continue
      while (read < id) {
        const { value } = await reader.read()
        if (new TextDecoder().decode(value).startsWith('id: ')) read++
      }
    }
    expect(told.overflow).not.toHaveBeenCalled()
    expect(told.stop).not.toHaveBeenCalled()
    await reader.cancel()
    expect(told.stop).toHaveBeenCalledOnce()
  })
})
