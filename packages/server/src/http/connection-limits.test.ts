// Issue 19 item 4: idle connections were never closed, and nothing capped them. Reproduction:
// open thousands of sockets to the server that send nothing (`pnpm bench connections`), then
// `curl /health`; before the fix it failed at the file descriptor limit (8,159 held with 8,192).
import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { RawConnection } from '../../test/raw-socket.ts'
import { eventually } from '../testing/eventually.ts'
import { startTestServer, type TestServer } from '../testing/test-server.ts'

const running: TestServer[] = []
const connections: RawConnection[] = []
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close()
  for (const server of running.splice(0)) {
    await server.close()
    rmSync(server.dir, { recursive: true, force: true })
  }
})

async function start(limits: Record<string, unknown>) {
  const server = await startTestServer({ server: limits })
  running.push(server)
  return { ...server, port: Number(new URL(server.url).port) }
}

async function open(port: number, localAddress?: string): Promise<RawConnection> {
  const connection = await RawConnection.open(port, localAddress)
  connections.push(connection)
  return connection
}

async function get(port: number, path: string, localAddress?: string) {
  const connection = await open(port, localAddress)
  connection.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
  return connection.untilResponse()
}

const health = (port: number, localAddress?: string) => get(port, '/health', localAddress)

// A request in flight: headers sent, the declared body never comes (the API waits for it). The
// 100 Continue node:http sends as it hands the request over says the server has it.
async function busy(port: number, localAddress?: string): Promise<RawConnection> {
  const connection = await open(port, localAddress)
  connection.write('POST /start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n')
  connection.write('Expect: 100-continue\r\nContent-Length: 100\r\n\r\n')
  await connection.until(/^HTTP\/1.1 100 Continue\r\n\r\n/)
  return connection
}

const PROBLEM = 'application/problem+json'

describe('connection timeouts (server.headers_timeout, keep_alive_timeout)', () => {
  it('closes a connection that sends nothing with a 408 problem+json (nc 127.0.0.1 8080)', async () => {
    const { port } = await start({ headers_timeout: '300ms' })
    const idle = await open(port)
    const ms = await idle.closed
    expect(ms).toBeLessThan(2_000)
    const res = idle.response()
    expect(res.status).toBe(408)
    expect(res.headers['content-type']).toBe(PROBLEM)
    expect(JSON.parse(res.body)).toMatchObject({ code: 'request_timeout', status: 408 })
  })

  it('closes a connection that trickles its headers one line at a time (slowloris)', async () => {
    const { port } = await start({ headers_timeout: '400ms' })
    const slow = await open(port)
    slow.write('GET /health HTTP/1.1\r\n')
    const drip = setInterval(() => slow.socket.writable && slow.write('X-Drip: 1\r\n'), 50)
    try {
      expect(await slow.closed).toBeLessThan(2_000)
    } finally {
      clearInterval(drip)
    }
    expect(slow.response().status).toBe(408)
  })

  it('closes a kept-alive connection that stays idle after its response', async () => {
    const { port } = await start({ keep_alive_timeout: '300ms' })
    const kept = await open(port)
    kept.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await kept.untilResponse()).status).toBe(200)
    expect(await kept.closed).toBeLessThan(2_000)
  })

  it('keeps an SSE stream through the proxy open past every timeout (agentapi sends no heartbeat)', async () => {
    const server = await start({
      headers_timeout: '200ms',
      keep_alive_timeout: '200ms',
      request_timeout: '400ms',
    })
    const started = await fetch(`${server.url}/start`, { method: 'POST' })
    const { session_id: id } = (await started.json()) as { session_id: string }
    await eventually(async () => {
      const session = (await (await fetch(`${server.url}/sessions/${id}`)).json()) as {
        status: string
      }
      return session.status === 'active' ? true : undefined
    })
    const stream = await open(server.port)
    stream.write(`GET /${id}/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`)
    await stream.until(/event: status_change/)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(stream.isClosed).toBe(false)
    const sent = await fetch(`${server.url}/${id}/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'still listening', type: 'user' }),
    })
    expect(sent.status).toBe(200)
    await stream.until(/still listening/)
  })
})

describe('connection caps (server.max_connections, max_connections_per_ip)', () => {
  it('refuses the connection past the per-address cap with 503 while another address gets /health', async () => {
    const { port } = await start({ max_connections_per_ip: 3 })
    for (let i = 0; i < 3; i++) await busy(port)
    const refused = await open(port)
    await refused.closed
    const res = refused.response()
    expect(res.status).toBe(503)
    expect(res.headers['content-type']).toBe(PROBLEM)
    expect(JSON.parse(res.body)).toMatchObject({ code: 'service_unavailable' })
    expect((await health(port, '127.0.0.2')).status).toBe(200)
  })

  it('never runs a request sent on a refused connection', async () => {
    const server = await start({ max_connections_per_ip: 1 })
    await busy(server.port)
    const refused = await open(server.port)
    refused.write('POST /start HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    await refused.closed
    expect(refused.response().status).toBe(503)
    const list = await get(server.port, '/search', '127.0.0.2')
    expect(JSON.parse(list.body).sessions).toEqual([])
  })

  it('closes the oldest idle connection of an address at its cap, so /health from it answers', async () => {
    const { port } = await start({ max_connections_per_ip: 3 })
    const idle = [await open(port), await open(port), await open(port)]
    expect((await health(port)).status).toBe(200)
    await idle[0]?.closed
    expect(idle.map((connection) => connection.isClosed)).toEqual([true, false, false])
  })

  it('makes room under max_connections by closing idle connections, and refuses when all are busy', async () => {
    const { port } = await start({ max_connections: 4, max_connections_per_ip: 0 })
    for (let i = 2; i < 6; i++) await open(port, `127.0.0.${i}`)
    expect((await health(port)).status).toBe(200)
    for (let i = 0; i < 4; i++) await busy(port, `127.0.0.${10 + i}`)
    const refused = await open(port)
    await refused.closed
    expect(refused.response().status).toBe(503)
    expect(JSON.parse(refused.response().body).detail).toMatch(/in total/)
  })
})
