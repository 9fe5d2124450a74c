// Issue 19 item 15: requests node:http or the router could not place were answered without
// problem+json, or not at all. Reproduction: `printf 'GET * HTTP/1.1\r\n\r\n' | nc $B 8080`, a
// bad request line, `curl --request-target http://host/$S/status`, `curl -p` (CONNECT), and a
// client hanging up mid-body (logged as an unhandled 500 with a stack).
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchange, RawConnection } from '../../test/raw-socket.ts'
import { eventually } from '../testing/eventually.ts'
import { startTestServer, type TestServer } from '../testing/test-server.ts'

let server: TestServer
let port: number
let session: string
beforeAll(async () => {
  server = await startTestServer()
  port = Number(new URL(server.url).port)
  const started = await fetch(`${server.url}/start`, { method: 'POST' })
  session = ((await started.json()) as { session_id: string }).session_id
  await eventually(async () => {
    const res = await fetch(`${server.url}/sessions/${session}`)
    return ((await res.json()) as { status: string }).status === 'active' ? true : undefined
  })
})
afterAll(async () => {
  await server.close()
  rmSync(server.dir, { recursive: true, force: true })
})

async function problemOf(request: string) {
  const response = (await exchange(port, request)).response()
  expect(response.headers['content-type']).toBe('application/problem+json')
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body) }
}

describe('requests that are not origin-form HTTP/1.1', () => {
  it('answers GET * with a 400 problem+json', async () => {
    const { status, body } = await problemOf('GET * HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(status).toBe(400)
    expect(body).toMatchObject({ code: 'bad_request', status: 400 })
  })

  it('answers OPTIONS * (the server as a whole) with 204 and Allow', async () => {
    const response = (await exchange(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')).response()
    expect(response.status).toBe(204)
    expect(response.headers.allow).toContain('GET')
  })

  it.each([
    ['a method that is no token', 'G@T /health HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a space in the path', 'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a line of noise', 'FOO\r\n\r\n'],
  ])('answers a bad request line (%s) with a 400 problem+json', async (_, request) => {
    const { status, body, headers } = await problemOf(request)
    expect(status).toBe(400)
    expect(body.code).toBe('bad_request')
    expect(body.detail).toMatch(/not valid HTTP\/1\.1 \(HPE_/)
    expect(headers.connection).toBe('close')
  })

  it.each(['GET /health HTTP/1.1\r\n\r\n', 'GET /health HTTP/1.0\r\n\r\n'])(
    'answers a request without Host (%j) with a 400 problem+json',
    async (request) => {
      const { status, body } = await problemOf(request)
      expect(status).toBe(400)
      expect(body.detail).toMatch(/Host/)
    },
  )

  it('answers oversized headers with a 431 problem+json', async () => {
    const big = `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`
    const { status, body } = await problemOf(big)
    expect(status).toBe(431)
    expect(body.code).toBe('headers_too_large')
  })

  it('routes an absolute-form target by its path: the session, not the API', async () => {
    const request = `GET http://example.test/${session}/status HTTP/1.1\r\nHost: x\r\n\r\n`
    const response = (await exchange(port, request)).response()
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toMatchObject({ status: 'stable' })
  })

  it('routes an absolute-form target to the API by its path too', async () => {
    const request = 'GET http://h:1/health HTTP/1.1\r\nHost: elsewhere\r\n\r\n'
    const response = (await exchange(port, request)).response()
    expect(response.status).toBe(200)
  })

  it('refuses an absolute-form target with userinfo or another scheme with a 400', async () => {
    for (const target of ['http://user:pw@h/health', 'ftp://h/health']) {
      const { status } = await problemOf(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)
      expect(status).toBe(400)
    }
  })

  it('answers CONNECT with a 405 problem+json instead of closing silently', async () => {
    const { status, body, headers } = await problemOf(
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    )
    expect(status).toBe(405)
    expect(body.code).toBe('method_not_allowed')
    expect(headers.allow).toContain('GET')
  })
})

describe('a client that disconnects mid-body', () => {
  it('is one info line in the log, not an unhandled 500 with a stack', async () => {
    const before = server.logs().length
    const client = await RawConnection.open(port)
    client.write('POST /start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n')
    client.write('Transfer-Encoding: chunked\r\n\r\n10\r\n{"message":"hel')
    await new Promise((resolve) => setTimeout(resolve, 200))
    client.close()
    const lines = await eventually(async () => {
      const logged = server.logs().slice(before).trim()
      return logged ? logged.split('\n').map((line) => JSON.parse(line)) : undefined
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request aborted by the client' })
    expect(JSON.stringify(lines)).not.toContain('stack')
  })
})
