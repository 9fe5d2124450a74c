import { describe, expect, it } from 'vitest'
import { ApiError } from './api-error.ts'
import { createClient } from './client.ts'
import { backoff } from './reconnecting.ts'

const sse = (text: string) =>
  new Response(text, { headers: { 'content-type': 'text/event-stream' } })
const STATE =
  'event: message_update\ndata: {"id":0,"role":"agent","message":"Hi","time":"t"}\n\n' +
  'event: status_change\ndata: {"status":"stable","agent_type":"claude"}\n\n'

/** A client whose fetch answers the n-th request with `answers[n]` (the last one repeats). */
function clientAnswering(answers: (() => Response)[]) {
  let count = 0
  const fetch = async () => {
    const answer = answers[Math.min(count, answers.length - 1)]
    count += 1
    return (answer ?? (() => new Response('', { status: 500 })))()
  }
  return { client: createClient({ baseUrl: 'http://p.test', fetch }), requests: () => count }
}

describe('events()', () => {
  it('types each event, skipping names and data it does not know', async () => {
    const { client } = clientAnswering([
      () =>
        sse(`event: screen\ndata: {"screen":"x"}\n\nevent: status_change\ndata: {torn\n\n${STATE}`),
    ])
    const events = client.events('s1', { reconnect: false })
    const seen = []
    for await (const event of events) seen.push(event)
    expect(seen).toEqual([
      { type: 'message_update', data: { id: 0, role: 'agent', message: 'Hi', time: 't' } },
      { type: 'status_change', data: { status: 'stable', agent_type: 'claude' } },
    ])
  })

  it('reconnects through 502s and ended streams, with growing delays', async () => {
    const { client, requests } = clientAnswering([
      () => new Response('', { status: 502 }),
      () => new Response('', { status: 502 }),
      () => sse(STATE),
      () => sse(STATE),
    ])
    const retries: [number, string][] = []
    const opens: boolean[] = []
    const events = client.events('s1', {
      reconnect: { delay: 1 },
      onRetry: (error, attempt) => retries.push([attempt, (error as Error).name]),
      onOpen: (reconnected) => opens.push(reconnected),
    })
    const types: string[] = []
    for await (const event of events) {
      types.push(event.type)
      if (types.length === 4) break
    }
    expect(types).toEqual(['message_update', 'status_change', 'message_update', 'status_change'])
    expect(retries).toEqual([
      [1, 'ApiError'],
      [2, 'ApiError'],
      [1, 'StreamEnded'],
    ])
    expect(opens).toEqual([false, true])
    expect(requests()).toBe(4)
  })

  it('gives up at once on an answer that would not change, such as 404', async () => {
    const { client, requests } = clientAnswering([
      () =>
        new Response('{"code":"session_not_found","detail":"No session s1"}', {
          status: 404,
          headers: { 'content-type': 'application/problem+json' },
        }),
    ])
    const error = await client
      .events('s1')
      .next()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toBe(
      'GET /s1/events → 404 session_not_found: No session s1',
    )
    expect(requests()).toBe(1)
  })

  it('throws the last error once `attempts` reconnections in a row got nothing', async () => {
    const { client, requests } = clientAnswering([() => new Response('', { status: 503 })])
    const events = client.events('s1', { reconnect: { delay: 1, attempts: 2 } })
    await expect(events.next()).rejects.toMatchObject({ status: 503 })
    expect(requests()).toBe(3)
  })
})

describe('backoff', () => {
  it.each([
    [1, 250, 500],
    [2, 500, 1000],
    [5, 4000, 8000],
    [20, 15_000, 30_000],
  ])('waits between half and all of the doubled delay (attempt %i: %i–%i ms)', (n, low, high) => {
    for (let i = 0; i < 20; i += 1) {
      const delay = backoff(n)
      expect(delay).toBeGreaterThanOrEqual(low)
      expect(delay).toBeLessThanOrEqual(high)
    }
  })
})
