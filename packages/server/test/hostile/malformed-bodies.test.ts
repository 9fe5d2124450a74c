import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileServer, startHostileServer } from './hostile-server.ts'

// Issue 18, hostile input: JSON nested 100,000 levels deep, and bodies that are not UTF-8.
let server: HostileServer
beforeAll(async () => {
  server = await startHostileServer()
}, 30_000)
afterAll(() => server?.close(), 30_000)

const LEVELS = 100_000
const deepArray = `${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}`
const deepObject = `${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}`

const post = (path: string, body: string | Uint8Array) =>
  server.call(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  })

async function stillServing() {
  expect((await fetch(`${server.url}/health`)).status).toBe(200)
  expect((await server.call(`/${server.session}/status`)).status).toBe(200)
}

describe('JSON nested 100,000 levels', () => {
  it.each([
    ['/start', deepArray, ''],
    ['/start', deepObject, 'a'],
    ['/api-keys', `{"name":"n","permissions":${deepArray}}`, 'permissions.0'],
    ['/mcp', deepObject, ''],
  ])('POST %s (%#) is refused with 422 naming the field', async (path, body, field) => {
    // The empty path is the whole body ("Invalid body: body: expected object, received array").
    const res = await post(path, body)
    expect(res.status).toBe(422)
    const problem = (await res.json()) as { code: string; errors: { path: string }[] }
    expect(problem.code).toBe('invalid_request')
    expect(problem.errors.map((e) => e.path)).toContain(field)
    await stillServing()
  })

  // Proven harmless: a JSON-RPC request's params are not read by tools/list, so the depth
  // never reaches a recursive walk; the answer is the tool list.
  it('as the params of an MCP tools/list: answered, and the server stays up', async () => {
    const res = await post(
      '/mcp',
      `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":${deepObject}}`,
    )
    expect(res.status).toBe(200)
    expect(
      ((await res.json()) as { result: { tools: unknown[] } }).result.tools.length,
    ).toBeGreaterThan(0)
    await stillServing()
  })

  it("on the proxy path: the agent's own 400, and the session goes on", async () => {
    const res = await post(`/${server.session}/message`, deepObject)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(
      /exceeded max depth/,
    )
    await stillServing()
  })
})

describe('bodies that are not UTF-8', () => {
  // Proven harmless: the body is decoded as the Encoding Standard decodes UTF-8, each invalid
  // sequence becoming U+FFFD, so what is stored and answered is valid UTF-8.
  it('stores invalid sequences in a field as U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from('{"name":"a'),
      Buffer.from([0xff, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ])
    const res = await post('/api-keys', body)
    expect(res.status).toBe(201)
    const { id, name } = (await res.json()) as { id: string; name: string }
    expect(name).toMatch(/^a\uFFFD+$/)
    const listed = (await (await server.call('/api-keys')).json()) as {
      api_keys: { id: string; name: string }[]
    }
    expect(listed.api_keys.find((k) => k.id === id)?.name).toBe(name)
  })

  it('refuses invalid UTF-8 in an environment name with 422 naming environment', async () => {
    const body = Buffer.concat([
      Buffer.from('{"environment":{"A'),
      Buffer.from([0xff]),
      Buffer.from('":"1"}}'),
    ])
    const res = await post('/start', body)
    expect(res.status).toBe(422)
    const problem = (await res.json()) as { errors: { path: string }[] }
    expect(problem.errors[0]?.path).toMatch(/^environment/)
  })

  it('refuses a body that is not JSON at all with 400 or 422 problem+json', async () => {
    const res = await post('/start', Buffer.from([0xff, 0xfe, 0x00, 0x7b]))
    expect([400, 422]).toContain(res.status)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    await stillServing()
  })
})
