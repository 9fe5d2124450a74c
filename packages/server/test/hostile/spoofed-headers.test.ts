import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileServer, startHostileServer } from './hostile-server.ts'

// Issue 18, hostile input: headers that front proxies use to say who the client is and where a
// request was meant to go. With server.trust_proxy off (the default) none of them changes the
// caller, the route, or the client address the audit log records.
const SPOOF = {
  'X-Forwarded-For': '203.0.113.66',
  'X-Real-IP': '203.0.113.66',
  'X-Forwarded-Host': 'evil.example',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-User': 'ada',
  'X-Remote-User': 'ada',
  'X-Original-URL': '/audit',
  'X-Rewrite-URL': '/audit',
  Forwarded: 'for=203.0.113.66;host=evil.example',
}

let server: HostileServer
beforeAll(async () => {
  server = await startHostileServer()
}, 30_000)
afterAll(() => server?.close(), 30_000)

const rawGet = (path: string, extra: string) =>
  server.raw(
    `GET ${path} HTTP/1.1\r\nHost: evil.example\r\nX-API-Key: ${server.keys.member}\r\n${extra}\r\n`,
  )
const spoofLines = Object.entries(SPOOF)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('')

describe('X-Forwarded-*, Forwarded and Host from the caller', () => {
  it('do not change who the caller is', async () => {
    const res = await rawGet('/auth/status', spoofLines)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ user_id: 'mia', role: 'member' })
  })

  it('do not reroute a request: X-Original-URL to /audit still answers /health', async () => {
    const res = await rawGet('/health', spoofLines)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' })
    const audit = await rawGet('/audit', spoofLines)
    expect(audit.status).toBe(403)
  })

  it("reach the member's own session and no other, with the Host the agent accepts", async () => {
    const res = await rawGet(`/${server.session}/status`, spoofLines)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ status: 'stable' })
  })

  it('do not change the client address the audit log records', async () => {
    const res = await server.raw(
      `POST /api-keys HTTP/1.1\r\nHost: evil.example\r\nX-API-Key: ${server.keys.member}\r\n${spoofLines}Content-Type: application/json\r\nContent-Length: 15\r\n\r\n{"name":"spoof"}`.replace(
        'Content-Length: 15',
        'Content-Length: 16',
      ),
    )
    expect(res.status).toBe(201)
    const audit = await server.call('/audit?action=api_key.create', {
      headers: { 'X-API-Key': server.keys.admin },
    })
    const { entries } = (await audit.json()) as { entries: { source: string; user_id: string }[] }
    expect(entries[0]).toMatchObject({ user_id: 'mia', source: '127.0.0.1' })
  })
})
