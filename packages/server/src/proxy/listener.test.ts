import { afterEach, describe, expect, it } from 'vitest'
import { createRequestListener, sessionPath } from './listener.ts'
import { type Listening, listen, SESSION, send } from './testbed.ts'

describe('sessionPath', () => {
  it.each([
    [`/${SESSION}/events`, { id: SESSION, rest: '/events' }],
    [`/${SESSION}/messages?after=3`, { id: SESSION, rest: '/messages?after=3' }],
    [`/${SESSION}`, { id: SESSION, rest: '/' }],
    [`/${SESSION}/`, { id: SESSION, rest: '/' }],
    [`/${SESSION}?x=1`, { id: SESSION, rest: '/?x=1' }],
    [`/${SESSION}/chat/embed/`, { id: SESSION, rest: '/chat/embed/' }],
    [`/${SESSION.toUpperCase()}/status`, { id: SESSION.toUpperCase(), rest: '/status' }],
  ])('splits %s into the session id and the agent path', (url, expected) => {
    expect(sessionPath(url)).toEqual(expected)
  })

  it.each([
    '/',
    '/health',
    '/start',
    '/search?user_id=alice',
    `/sessions/${SESSION}`,
    `/sessions/${SESSION}/logs`,
    `/${SESSION}x/status`,
    `/${SESSION.slice(0, -1)}/status`,
    `/${SESSION.replaceAll('-', '')}/status`,
    `/${SESSION.replace('0', 'g')}/status`,
    `//${SESSION}/status`,
    `http://evil.example/${SESSION}/status`,
  ])('leaves %s to the API', (url) => {
    expect(sessionPath(url)).toBeUndefined()
  })
})

describe('createRequestListener', () => {
  let server: Listening | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function startRouting() {
    const forwarded: { sessionId: string; rest: string; method?: string }[] = []
    const listener = createRequestListener({
      forwarder: {
        handle(req, res, sessionId, rest) {
          forwarded.push({ sessionId, rest, method: req.method })
          res.end('forwarder')
        },
      },
      api: (req, res) => res.end(`api ${req.url}`),
    })
    server = await listen(listener)
    return { url: server.url, forwarded }
  }

  it('sends session paths to the forwarder with the prefix stripped and the query kept', async () => {
    const { url, forwarded } = await startRouting()
    expect((await send(`${url}/${SESSION}/messages?after=2`)).body).toBe('forwarder')
    expect((await send(`${url}/${SESSION}`, { method: 'POST', body: 'x' })).body).toBe('forwarder')
    expect(forwarded).toEqual([
      { sessionId: SESSION, rest: '/messages?after=2', method: 'GET' },
      { sessionId: SESSION, rest: '/', method: 'POST' },
    ])
  })

  it('answers 500 instead of crashing when the API listener rejects', async () => {
    server = await listen(
      createRequestListener({
        forwarder: { handle: () => {} },
        api: async () => Promise.reject(new Error('boom')),
      }),
    )
    expect((await send(`${server.url}/health`)).status).toBe(500)
  })

  it("sends the API's own paths to the API, even when they contain a session id", async () => {
    const { url, forwarded } = await startRouting()
    for (const path of ['/health', '/start', `/sessions/${SESSION}`, `/${SESSION}abc`, '/nope']) {
      expect((await send(`${url}${path}`)).body).toBe(`api ${path}`)
    }
    expect(forwarded).toEqual([])
  })
})
