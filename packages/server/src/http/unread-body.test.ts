// Issue 19 item 10: a refused upload was read to its end. Reproduction:
// `curl -X POST -H 'Content-Length: 2000000000' --data-binary @/dev/zero $B/<uuid>/upload`
// without credentials: 401, then the server went on reading the 1.9 GB nobody would use.
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawConnection } from '../../test/raw-socket.ts'
import { startTestServer, type TestServer } from '../testing/test-server.ts'

const KEY = 'k'.repeat(32)
const CHUNK = Buffer.alloc(64 * 1024)
// What the client may push before the close reaches it: both sockets' kernel buffers. Reading
// the body instead lets it push everything, at loopback speed.
const FAR_LESS = 64 * 1024 * 1024
const GIVE_UP = 512 * 1024 * 1024

let server: TestServer
let port: number
beforeAll(async () => {
  server = await startTestServer({
    auth: {
      enabled: true,
      static: { enabled: true, api_keys: [{ key: KEY, user_id: 'alice', permissions: ['*'] }] },
    },
  })
  port = Number(new URL(server.url).port)
})
afterAll(async () => {
  await server.close()
  rmSync(server.dir, { recursive: true, force: true })
})

/** Sends `head` then zeros until the server closes, `GIVE_UP` bytes, or 15 s. */
async function upload(head: string) {
  const connection = await RawConnection.open(port)
  connection.write(head)
  const deadline = performance.now() + 15_000
  let closed = false
  connection.closed.then(() => {
    closed = true
  })
  while (!closed && connection.socket.bytesWritten < GIVE_UP && performance.now() < deadline) {
    if (!connection.socket.write(CHUNK)) {
      await Promise.race([
        new Promise((resolve) => connection.socket.once('drain', resolve)),
        connection.closed,
      ])
    }
  }
  const written = connection.socket.bytesWritten
  connection.close()
  return { written, closed, response: connection.response() }
}

describe('a refused request with an unread body', () => {
  it('on the proxy path: 401, Connection: close, and the socket closed long before 2 GB', async () => {
    const head =
      `POST /${randomUUID()}/upload HTTP/1.1\r\nHost: x\r\n` +
      'Content-Type: application/octet-stream\r\nContent-Length: 2000000000\r\n\r\n'
    const { written, closed, response } = await upload(head)
    expect(response.status).toBe(401)
    expect(response.headers['content-type']).toBe('application/problem+json')
    expect(response.headers.connection).toBe('close')
    expect(closed).toBe(true)
    expect(written).toBeLessThan(FAR_LESS)
  })

  it('on the API: 413, Connection: close, and the socket closed long before 2 GB', async () => {
    const head =
      'POST /start HTTP/1.1\r\nHost: x\r\n' +
      'Content-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n'
    const { written, closed, response } = await upload(head)
    expect(response.status).toBe(413)
    expect(response.headers.connection).toBe('close')
    expect(closed).toBe(true)
    expect(written).toBeLessThan(FAR_LESS)
  })

  it('keeps the connection alive when the refused body had arrived whole', async () => {
    const connection = await RawConnection.open(port)
    connection.write(
      'POST /start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 2\r\n\r\n{}',
    )
    const response = await connection.untilResponse()
    expect(response.status).toBe(401)
    expect(response.headers.connection).toBe('keep-alive')
    connection.close()
  })
})
