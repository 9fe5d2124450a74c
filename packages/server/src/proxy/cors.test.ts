import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { CorsPolicy } from './cors.ts'
import {
  authenticateByToken,
  closeAfterEach,
  FakeDirectory,
  listen,
  SESSION,
  send,
  startProxy,
} from './testbed.ts'

const APP = 'https://app.example'

function headersOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string
  return out
}

describe('CorsPolicy', () => {
  it('echoes a listed origin, with credentials', () => {
    const out: string[] = []
    new CorsPolicy([`${APP}/`]).appendResponseHeaders(APP, out)
    expect(headersOf(out)).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'Link, Retry-After, X-Request-Id',
    })
  })

  it('answers `*` for any other origin when allowed, never with credentials', () => {
    const out: string[] = []
    new CorsPolicy(['*', APP]).appendResponseHeaders('https://elsewhere.example', out)
    const headers = headersOf(out)
    expect(headers['access-control-allow-origin']).toBe('*')
    expect(headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('adds nothing for a disallowed origin but Vary, and nothing at all without Origin', () => {
    const policy = new CorsPolicy([APP])
    const out: string[] = []
    policy.appendResponseHeaders('https://evil.example', out)
    expect(out).toEqual(['vary', 'Origin'])
    const none: string[] = []
    policy.appendResponseHeaders(undefined, none)
    expect(none).toEqual([])
  })

  it('refuses an allowlist entry that is not an origin', () => {
    expect(() => new CorsPolicy(['app.example'])).toThrow(/not an origin/)
  })
})

describe('forwarder: CORS', () => {
  const closeLater = closeAfterEach()

  async function setUp(allowedOrigins: string[]) {
    const seen: IncomingMessage[] = []
    const agent = await listen((req: IncomingMessage, res: ServerResponse) => {
      seen.push(req)
      // agentapi's own go-chi/cors answer, which must not leak through.
      res.writeHead(200, {
        'access-control-allow-origin': 'http://localhost:3000',
        'access-control-allow-credentials': 'true',
        'content-type': 'application/json',
      })
      res.end(JSON.stringify({ origin: req.headers.origin ?? null }))
    })
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({
      directory,
      authenticate: authenticateByToken,
      cors: { allowedOrigins },
    })
    closeLater(agent)
    closeLater(proxy)
    return { url: `${proxy.url}/${SESSION}/message`, seen }
  }

  const preflight = (origin: string) => ({
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  })

  it('answers a preflight from an allowed origin itself, without credentials or the agent', async () => {
    const { url, seen } = await setUp([APP])
    const res = await send(url, preflight(APP))
    expect(res.status).toBe(204)
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': 'authorization, content-type',
    })
    expect(seen).toEqual([])
  })

  it('answers a preflight from another origin without any grant', async () => {
    const { url } = await setUp([APP])
    const res = await send(url, preflight('https://evil.example'))
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(res.headers['access-control-allow-methods']).toBeUndefined()
  })

  it("replaces the agent's CORS headers with the proxy's and hides the origin from it", async () => {
    const { url } = await setUp([APP])
    const res = await send(url, {
      method: 'POST',
      headers: { origin: APP, authorization: 'Bearer alice' },
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe(APP)
    expect(res.headers.vary).toBe('Origin')
    expect(JSON.parse(res.body)).toEqual({ origin: null })
    const evil = await send(url, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: 'Bearer alice' },
      body: '{}',
    })
    expect(evil.headers['access-control-allow-origin']).toBeUndefined()
    expect(evil.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('lets an allowed page read the error when it is refused', async () => {
    const { url } = await setUp([APP])
    const res = await send(url, { method: 'POST', headers: { origin: APP }, body: '{}' })
    expect(res.status).toBe(401)
    expect(res.headers['access-control-allow-origin']).toBe(APP)
  })

  it('never pairs the wildcard with credentials', async () => {
    const { url } = await setUp(['*'])
    for (const options of [
      preflight('https://any.example'),
      { headers: { origin: 'https://any.example', authorization: 'Bearer alice' } },
    ]) {
      const res = await send(url, options)
      expect(res.headers['access-control-allow-origin']).toBe('*')
      expect(res.headers['access-control-allow-credentials']).toBeUndefined()
    }
  })
})
