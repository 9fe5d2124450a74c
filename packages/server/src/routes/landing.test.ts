import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server.ts'

const servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const ALICE = 'aap_landing_alice_0123456789abcdef0123456789'
const BOB = 'aap_landing_bob_0123456789abcdef0123456789ab'

describe('GET /', () => {
  it('says what the server is, links the reference, and lists only the caller’s sessions', async () => {
    const api_keys = [
      { key: ALICE, user_id: 'alice', role: 'member', permissions: ['*'] },
      { key: BOB, user_id: 'bob', role: 'member', permissions: ['*'] },
    ]
    const server = await startTestServer({
      auth: { enabled: true, static: { enabled: true, api_keys } },
    })
    servers.push(server)
    const started = await fetch(`${server.url}/start`, {
      method: 'POST',
      headers: { 'x-api-key': ALICE, 'content-type': 'application/json' },
      body: '{}',
    })
    const { session_id: id } = (await started.json()) as { session_id: string }

    const anonymous = await fetch(`${server.url}/`)
    expect(anonymous.status).toBe(200)
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await anonymous.text()
    for (const link of ['/docs', '/openapi.json', '/health'])
      expect(page).toContain(`href="${link}"`)
    expect(page).toContain('Send credentials')
    expect(page).not.toContain(id.slice(0, 8))

    const alice = await (await fetch(`${server.url}/`, { headers: { 'x-api-key': ALICE } })).text()
    expect(alice).toContain('Your sessions (alice)')
    expect(alice).toContain(`href="/sessions/${id}"`)
    const bob = await (await fetch(`${server.url}/`, { headers: { 'x-api-key': BOB } })).text()
    expect(bob).toContain('Your sessions (bob)')
    expect(bob).not.toContain(id.slice(0, 8))
  })
})
