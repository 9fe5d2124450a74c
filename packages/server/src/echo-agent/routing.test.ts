import { describe, expect, it } from 'vitest'
import { probe } from './probe.ts'
import { useEchoAgents } from './test-agents.ts'

const allowHeaders = (rawHeaders: string[]) =>
  rawHeaders.filter((_, i) => rawHeaders[i - 1] === 'Allow')

describe('echo agent routing', () => {
  const start = useEchoAgents()

  it.each(['/nope', '/status/', '/messages/1', '/chatroom', '/openapi.json', '/st%61tus'])(
    'answers %s with chi’s plain-text 404',
    async (path) => {
      const agent = await start()
      const res = await probe(`${agent.url}${path}`)
      expect(res.status).toBe(404)
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.body).toBe('404 page not found\n')
    },
  )

  it.each([
    ['POST', '/status', ['GET']],
    ['DELETE', '/messages', ['GET']],
    ['GET', '/message', ['POST']],
    ['GET', '/upload', ['POST']],
    ['POST', '/events', ['GET']],
    ['HEAD', '/status', ['GET']],
    ['OPTIONS', '/status', ['GET']],
  ])('answers %s %s with 405, an Allow header and no body', async (method, path, allowed) => {
    const agent = await start()
    const res = await probe(`${agent.url}${path}`, { method })
    expect(res.status).toBe(405)
    expect(allowHeaders(res.rawHeaders)).toEqual(allowed)
    expect(res.body).toBe('')
  })

  it('redirects GET / to the chat UI with a 307, like http.Redirect', async () => {
    const agent = await start()
    const res = await probe(`${agent.url}/`)
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe('/chat/embed')
    expect(res.body).toBe('<a href="/chat/embed">Temporary Redirect</a>.\n\n')
  })

  it('redirects every method of / to <chat-base-path>/embed', async () => {
    const agent = await start({ chatBasePath: '/p/agent1/chat/' })
    const res = await probe(`${agent.url}/`, { method: 'POST' })
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe('/p/agent1/chat/embed')
    expect(res.body).toBe('')
  })

  it.each(['/chat', '/chat/', '/chat/embed'])('serves a page at %s', async (path) => {
    const agent = await start()
    const res = await probe(`${agent.url}${path}`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
  })
})

describe('echo agent Host check', () => {
  const start = useEchoAgents()
  const rejection = 'Invalid host header. Allowed hosts: localhost, 127.0.0.1, ::1\n'

  it.each(['/status', '/nope', '/'])(
    'refuses a foreign Host on %s before routing',
    async (path) => {
      const agent = await start()
      const res = await probe(`${agent.url}${path}`, {
        headers: { host: `evil.example:${agent.port}` },
      })
      expect(res.status).toBe(400)
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers.vary).toBeUndefined()
      expect(res.body).toBe(rejection)
    },
  )

  it('refuses a foreign Host before CORS, even on a preflight', async () => {
    const agent = await start()
    const res = await probe(`${agent.url}/status`, {
      method: 'OPTIONS',
      headers: {
        host: 'evil.example',
        origin: 'http://localhost:3000',
        'access-control-request-method': 'GET',
      },
    })
    expect(res.status).toBe(400)
    expect(res.body).toBe(rejection)
  })

  it('refuses a request without a Host header', async () => {
    const agent = await start()
    expect((await probe(`${agent.url}/status`, { headers: { host: null } })).status).toBe(400)
  })

  it.each(['localhost', '127.0.0.1', '[::1]', 'LocalHost'])(
    'accepts %s with any port',
    async (name) => {
      const agent = await start()
      const res = await probe(`${agent.url}/status`, { headers: { host: `${name}:${agent.port}` } })
      expect(res.status).toBe(200)
    },
  )

  it('follows --allowed-hosts', async () => {
    const agent = await start({ allowedHosts: ['proxy.example'] })
    expect(
      (await probe(`${agent.url}/status`, { headers: { host: 'proxy.example:8443' } })).status,
    ).toBe(200)
    const refused = await probe(`${agent.url}/status`, {
      headers: { host: `localhost:${agent.port}` },
    })
    expect(refused.body).toBe('Invalid host header. Allowed hosts: proxy.example\n')
  })
})

describe('echo agent CORS', () => {
  const start = useEchoAgents()

  it('sets the CORS headers for an allowed origin', async () => {
    const agent = await start()
    const res = await probe(`${agent.url}/status`, { headers: { origin: 'http://localhost:3000' } })
    expect(res.headers).toMatchObject({
      vary: 'Origin',
      'access-control-allow-origin': 'http://localhost:3000',
      'access-control-expose-headers': 'Link',
      'access-control-allow-credentials': 'true',
    })
  })

  it('still serves a disallowed origin, without CORS headers', async () => {
    const agent = await start()
    const res = await probe(`${agent.url}/status`, { headers: { origin: 'http://evil.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.vary).toBe('Origin')
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers a preflight with 200, CORS headers only for an allowed origin', async () => {
    const agent = await start({ allowedOrigins: ['https://*.example.com'] })
    const preflight = (origin: string) =>
      probe(`${agent.url}/message`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'post',
          'access-control-request-headers': 'content-type',
        },
      })
    const allowed = await preflight('https://app.example.com')
    expect(allowed.status).toBe(200)
    expect(allowed.body).toBe('')
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '300',
    })
    const refused = await preflight('https://example.org')
    expect(refused.status).toBe(200)
    expect(refused.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers any origin with * when allowed origins is *', async () => {
    const agent = await start({ allowedOrigins: ['*'] })
    const res = await probe(`${agent.url}/status`, {
      headers: { origin: 'https://anything.example' },
    })
    expect(res.headers['access-control-allow-origin']).toBe('*')
  })
})
