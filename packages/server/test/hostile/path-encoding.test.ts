import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileServer, startHostileServer } from './hostile-server.ts'

// Issue 18, hostile input: paths encoded to leave a session, reach another route, or alias a
// session id. Each request goes over a raw socket so that no client normalizes it first.
let server: HostileServer
beforeAll(async () => {
  server = await startHostileServer()
}, 30_000)
afterAll(() => server?.close(), 30_000)

const get = (path: string, key = server.keys.member) =>
  server.raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\n\r\n`)

describe('on a session path /<id>/…', () => {
  // Proven harmless: the rest of the path goes to the session's own agent, which has no such
  // route; nothing after the id can reach the API or another session.
  it.each([
    '/%2e%2e/health',
    '/../../health',
    '/%2e%2e%2f%2e%2e%2fhealth',
    '//status',
    '/%2e%2e/sessions',
  ])('keeps %s inside the session: the agent answers 404', async (rest) => {
    const res = await get(`/${server.session}${rest}`)
    expect(res.status).toBe(404)
    expect(res.body).toBe('404 page not found\n')
  })

  it('refuses an upper-case session id with 404 session_not_found (ids are lower-case)', async () => {
    const res = await get(`/${server.session.toUpperCase()}/status`)
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body).code).toBe('session_not_found')
    expect((await get(`/${server.session}/status`)).status).toBe(200)
  })

  it.each([
    ['an encoded slash after the id', (id: string) => `/${id}%2fstatus`],
    ['a dot segment before the id', (id: string) => `/%2e%2e/${id}/status`],
    ['a double slash before the id', (id: string) => `//${id}/status`],
  ])('refuses %s with 404 not_found from the API, never the agent', async (_, path) => {
    const res = await get(path(server.session))
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(res.body).code).toBe('not_found')
  })

  it("answers another user's session as a missing one, however its id is cased", async () => {
    const admin = { 'X-API-Key': server.keys.admin }
    const started = await server.call('/start', {
      method: 'POST',
      headers: { ...admin, 'Content-Type': 'application/json' },
      body: '{}',
    })
    const other = ((await started.json()) as { session_id: string }).session_id
    try {
      for (const id of [other, other.toUpperCase()]) {
        const res = await get(`/${id}/status`)
        expect(res.status).toBe(404)
        expect(JSON.parse(res.body).code).toBe('session_not_found')
      }
    } finally {
      await server.call(`/sessions/${other}`, { method: 'DELETE', headers: admin })
    }
  })
})

describe('on API paths', () => {
  // Dot segments, encoded or not, are resolved as URLs resolve them (RFC 3986 §5.2.4); the
  // route they land on checks its own permission, so a member reaches nothing more.
  it.each(['/sessions/%2e%2e/audit', '/sessions/x/../../audit', '/%2e%2e/audit', '/./audit'])(
    'resolves %s to /audit, which still refuses a member with 403',
    async (path) => {
      const res = await get(path)
      expect(res.status).toBe(403)
      expect(JSON.parse(res.body).code).toBe('forbidden')
      expect((await get(path, server.keys.admin)).status).toBe(200)
    },
  )

  it('refuses an encoded slash inside a session id with 422 naming sessionId', async () => {
    const res = await get(`/sessions/${server.session}%2f..%2f..%2faudit`)
    expect(res.status).toBe(422)
    expect(JSON.parse(res.body).errors).toEqual([{ path: 'sessionId', message: 'Invalid UUID' }])
  })

  it.each(['//health', `/sessions//${'x'}`, '/SESSIONS/x', '/health%00'])(
    'refuses %s with 404 not_found (no slash merging, no case folding, no NUL cut)',
    async (path) => {
      const res = await get(path.replace('x', server.session))
      expect(res.status).toBe(404)
      expect(JSON.parse(res.body).code).toBe('not_found')
    },
  )

  it('refuses an upper-case session id with 404 session_not_found', async () => {
    const res = await get(`/sessions/${server.session.toUpperCase()}`)
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body).code).toBe('session_not_found')
  })
})
