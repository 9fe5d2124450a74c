import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawConnection } from '../raw-socket.ts'
import { type HostileServer, startHostileServer } from './hostile-server.ts'

// Issue 18, hostile input: requests framed two ways at once, so that a front proxy and this
// server could disagree about where one ends and a second, smuggled, begins. Each is sent over
// a raw socket; node:http's strict parser refuses them before any route runs, and the
// smuggled request behind them is never executed.
let server: HostileServer
beforeAll(async () => {
  server = await startHostileServer()
}, 30_000)
afterAll(() => server?.close(), 30_000)

/** A DELETE of the member's session hidden after the first request's body. */
const smuggled = () =>
  `DELETE /sessions/${server.session} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${server.keys.member}\r\n\r\n`

async function sendAll(text: string) {
  const connection = await RawConnection.open(server.port)
  connection.write(text)
  await connection.untilResponse()
  await connection.closed
  return connection
}

async function sessionStatus(): Promise<string> {
  const res = await server.call(`/sessions/${server.session}`)
  return ((await res.json()) as { status: string }).status
}

const FRAMINGS: [string, (path: string) => string][] = [
  [
    'Transfer-Encoding: chunked with Content-Length',
    (path) =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  ],
  [
    'two different Content-Lengths',
    (path) =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`,
  ],
  [
    'two equal Content-Lengths',
    (path) =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}`,
  ],
  [
    'Transfer-Encoding: chunked, identity',
    (path) =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
  ],
  [
    'Transfer-Encoding: xchunked',
    (path) => `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n`,
  ],
  [
    'a space before the colon of Transfer-Encoding',
    (path) => `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
  ],
]

describe.each([
  ['the API', () => '/start'],
  ['the proxy path', () => `/${server.session}/message`],
])('on %s', (_, path) => {
  it.each(FRAMINGS)(
    'refuses %s with 400 and closes, never running what follows',
    async (_, request) => {
      const connection = await sendAll(
        `${request(path()).replace('Host: x\r\n', `Host: x\r\nX-API-Key: ${server.keys.member}\r\n`)}${smuggled()}`,
      )
      const res = connection.response()
      expect(res.status).toBe(400)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(JSON.parse(res.body).detail).toMatch(/not valid HTTP\/1\.1 \(HPE_/)
      expect(connection.received.match(/^HTTP\/1\.1 \d{3} /gm)).toHaveLength(1)
      expect(await sessionStatus()).toBe('active')
    },
  )
})

describe('a duplicated Host', () => {
  // Proven harmless: node:http keeps the first Host; the API routes by path and names the
  // caller by credential, and the proxy rewrites Host for the agent whatever the caller sent.
  it('changes neither who the caller is nor which session answers', async () => {
    const key = `X-API-Key: ${server.keys.member}\r\n`
    const who = await server.raw(
      `GET /auth/status HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n${key}\r\n`,
    )
    expect(who.status).toBe(200)
    expect(JSON.parse(who.body)).toMatchObject({ user_id: 'mia', role: 'member' })
    const proxied = await server.raw(
      `GET /${server.session}/status HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n${key}\r\n`,
    )
    expect(proxied.status).toBe(200)
    expect(JSON.parse(proxied.body)).toMatchObject({ status: 'stable' })
  })
})
