import { describe, expect, it } from 'vitest'
import { readEventStream, type ServerSentEvent } from './event-stream.ts'

/** A body that delivers `chunks` one by one, as a network would split them. */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift()
      if (chunk === undefined) controller.close()
      else controller.enqueue(encoder.encode(chunk))
    },
  })
}

async function collect(chunks: string[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = []
  for await (const event of readEventStream(body(chunks))) events.push(event)
  return events
}

describe('readEventStream', () => {
  it('reads agentapi’s framing: event line, data line, blank line', async () => {
    const events = await collect([
      'event: message_update\ndata: {"id":0,"role":"agent","message":"Hi","time":"t"}\n\n',
      'event: status_change\ndata: {"status":"stable","agent_type":"claude"}\n\n',
    ])
    expect(events).toEqual([
      {
        event: 'message_update',
        data: '{"id":0,"role":"agent","message":"Hi","time":"t"}',
        id: '',
      },
      { event: 'status_change', data: '{"status":"stable","agent_type":"claude"}', id: '' },
    ])
  })

  it('reassembles events split anywhere across chunks, CRLF included', async () => {
    const events = await collect([
      'ev',
      'ent: a\r',
      '\ndata: 1',
      '\r\n\r',
      '\nevent: b\rdata: 2\r\r',
    ])
    expect(events).toEqual([
      { event: 'a', data: '1', id: '' },
      { event: 'b', data: '2', id: '' },
    ])
  })

  it('joins multi-line data, skips comments, ignores retry, defaults the name', async () => {
    const events = await collect([': keep-alive\n\nretry: 10\ndata: a\ndata:b\n\n'])
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: '' }])
  })

  it('keeps the last event id, also from a block with no data, and reports each change', async () => {
    const ids: string[] = []
    const events: ServerSentEvent[] = []
    const chunks = ['id: 3\n: hi\n\n', 'data: a\n\nid: 4\ndata: b\n\n', 'data: c\n\n']
    const stream = readEventStream(body(chunks), { onLastEventId: (id) => ids.push(id) })
    for await (const event of stream) events.push(event)
    expect(events.map((event) => [event.data, event.id])).toEqual([
      ['a', '3'],
      ['b', '4'],
      ['c', '4'],
    ])
    expect(ids).toEqual(['3', '4'])
  })

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: héllo 👋\n\n')
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]))
        controller.close()
      },
    })
    const events: ServerSentEvent[] = []
    for await (const event of readEventStream(stream)) events.push(event)
    expect(events).toEqual([{ event: 'message', data: 'héllo 👋', id: '' }])
  })

  it('drops an event the stream ended in the middle of', async () => {
    expect(await collect(['data: whole\n\n', 'data: torn'])).toEqual([
      { event: 'message', data: 'whole', id: '' },
    ])
  })

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new TextEncoder().encode('data: x\n\n')),
      cancel: () => {
        cancelled = true
      },
    })
    for await (const _ of readEventStream(stream)) break
    await Promise.resolve()
    expect(cancelled).toBe(true)
  })
})
