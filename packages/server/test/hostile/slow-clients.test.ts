import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawConnection } from '../raw-socket.ts'
import { type HostileServer, startHostileServer } from './hostile-server.ts'

// Issue 18, hostile input: clients that send slowly or never finish. The server's timeouts
// (shortened here: headers 1 s, whole request 3 s) close each connection, and /health answers
// fast all the while. Headers trickled to the API and a silent connection are also in
// http/connection-limits.test.ts; this adds the proxy path and bodies that never end.
let server: HostileServer
const open: RawConnection[] = []
beforeAll(async () => {
  server = await startHostileServer({
    server: { headers_timeout: 1, request_timeout: 3, keep_alive_timeout: 1 },
  })
}, 30_000)
afterEach(() => {
  for (const connection of open.splice(0)) connection.close()
})
afterAll(() => server?.close(), 30_000)

async function connect(): Promise<RawConnection> {
  const connection = await RawConnection.open(server.port)
  open.push(connection)
  return connection
}

/** The slowest of `count` /health requests made one after another, in ms. */
async function slowestHealth(count: number): Promise<number> {
  let slowest = 0
  for (let i = 0; i < count; i++) {
    const began = performance.now()
    const res = await fetch(`${server.url}/health`)
    await res.arrayBuffer()
    expect(res.status).toBe(200)
    slowest = Math.max(slowest, performance.now() - began)
  }
  return slowest
}

describe('slow clients', () => {
  it('closes a connection trickling headers to the proxy path within the headers timeout', async () => {
    const connection = await connect()
    connection.write(`GET /${server.session}/status HTTP/1.1\r\n`)
    const trickle = setInterval(() => connection.write('X-Slow: 1\r\n'), 200)
    try {
      const [closedAfter, slowest] = await Promise.all([connection.closed, slowestHealth(10)])
      expect(closedAfter).toBeLessThan(2_900)
      expect(slowest).toBeLessThan(500)
      expect(connection.received).toMatch(/^HTTP\/1\.1 408 /)
    } finally {
      clearInterval(trickle)
    }
  })

  it.each([
    ['the API', () => '/start'],
    ['the proxy path', () => `/${server.session}/message`],
  ])('closes a body on %s that never finishes within the request timeout', async (_, path) => {
    const connection = await connect()
    connection.write(
      `POST ${path()} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${server.keys.member}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"content":"',
    )
    const [closedAfter, slowest] = await Promise.all([connection.closed, slowestHealth(10)])
    expect(closedAfter).toBeGreaterThan(2_000)
    expect(closedAfter).toBeLessThan(8_000)
    expect(slowest).toBeLessThan(500)
    const status = await server.call(`/${server.session}/status`)
    expect(status.status).toBe(200)
  })
})
