import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer() // auth off: every caller is an anonymous admin
})
afterAll(() => server.close())

describe('POST /api-keys with auth off', () => {
  it('mints nothing (409, saying to turn auth on), rather than an unchecked admin key', async () => {
    const res = await fetch(`${server.url}/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci' }),
    })
    expect(res.status).toBe(409)
    const problem = await res.json()
    expect(problem).toMatchObject({ code: 'conflict' })
    expect(problem.detail).toContain('auth.enabled: false')
    expect(JSON.stringify(problem)).not.toMatch(/aap_/)
  })
})
