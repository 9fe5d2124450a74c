import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/index.ts'

// The MCP endpoint through the SDK's own client, against a real server on port 0 whose sessions
// run the echo agent.

const KEYS = {
  alice: 'alice-static-key-0000000000001',
  bob: 'bob-static-key-000000000000002',
  viewer: 'viewer-static-key-00000000003',
}

let proxy: TestServer
const clients: Client[] = []

beforeAll(async () => {
  const member = ['session:create', 'session:list', 'session:delete', 'session:access']
  proxy = await startTestServer({
    auth: {
      enabled: true,
      static: {
        enabled: true,
        api_keys: [
          { key: KEYS.alice, user_id: 'alice', role: 'member', permissions: member },
          { key: KEYS.bob, user_id: 'bob', role: 'member', permissions: member },
          { key: KEYS.viewer, user_id: 'vera', role: 'member', permissions: ['session:list'] },
        ],
      },
    },
  })
})

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()))
  await proxy?.close()
})

async function connect(key: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp`), {
    requestInit: { headers: { 'X-API-Key': key } },
  })
  const client = new Client({ name: 'endpoint-test', version: '1.0.0' })
  await client.connect(transport)
  clients.push(client)
  return client
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

describe('the MCP endpoint', () => {
  it('lists the session tools, each with an object input schema', async () => {
    const { tools } = await (await connect(KEYS.alice)).listTools()
    const names = tools.map((tool) => tool.name).sort()
    expect(names).toEqual([
      'delete_session',
      'get_messages',
      'get_session',
      'get_status',
      'list_sessions',
      'send_message',
      'start_session',
    ])
    const send = tools.find((tool) => tool.name === 'send_message')
    expect(send?.inputSchema.type).toBe('object')
    expect(send?.inputSchema.required).toEqual(['session_id', 'content'])
    expect(Object.keys(send?.inputSchema.properties ?? {})).toContain('timeout_seconds')
    const start = tools.find((tool) => tool.name === 'start_session')
    expect(Object.keys(start?.inputSchema.properties ?? {})).toContain('mcp_servers')
    expect(start?.outputSchema?.type).toBe('object')
  })

  it('starts a session, talks to it, reads it and deletes it', async () => {
    const alice = await connect(KEYS.alice)
    const started = await call(alice, 'start_session', { tags: { via: 'mcp' } })
    expect(started.isError).toBeFalsy()
    const id = (started.structuredContent as { session_id: string }).session_id
    expect(JSON.parse(text(started)).session_id).toBe(id)

    const sent = await call(alice, 'send_message', { session_id: id, content: 'hello there' })
    expect(sent.isError, text(sent)).toBeFalsy()
    const reply = (sent.structuredContent as { reply: { role: string; content: string } }).reply
    expect(reply).toMatchObject({ role: 'agent', content: 'Echo: hello there' })

    const read = await call(alice, 'get_messages', { session_id: id, after_id: 0 })
    const messages = (read.structuredContent as { messages: { content: string }[] }).messages
    expect(messages.map((m) => m.content)).toEqual(['hello there', 'Echo: hello there'])
    const status = await call(alice, 'get_status', { session_id: id })
    expect(status.structuredContent).toEqual({
      session_id: id,
      status: 'active',
      agent_status: 'stable',
    })
    const listed = await call(alice, 'list_sessions', { tags: { via: 'mcp' } })
    const sessions = (listed.structuredContent as { sessions: { session_id: string }[] }).sessions
    expect(sessions.map((s) => s.session_id)).toEqual([id])

    const deleted = await call(alice, 'delete_session', { session_id: id })
    expect(deleted.structuredContent).toEqual({ session_id: id, status: 'terminated' })
    const after = await call(alice, 'get_session', { session_id: id })
    expect(after.structuredContent).toMatchObject({ status: 'stopped' })
  })

  it("never shows or touches another user's session", async () => {
    const alice = await connect(KEYS.alice)
    const bob = await connect(KEYS.bob)
    const id = (
      (await call(alice, 'start_session', { tags: { owner: 'alice' } })).structuredContent as {
        session_id: string
      }
    ).session_id
    const listed = await call(bob, 'list_sessions', {})
    expect(JSON.stringify(listed.structuredContent)).not.toContain(id)
    const forAlice = await call(bob, 'list_sessions', { user_id: 'alice' })
    expect(forAlice.structuredContent).toEqual({ sessions: [], next_cursor: null })
    for (const [tool, args] of [
      ['get_session', {}],
      ['get_status', {}],
      ['get_messages', {}],
      ['send_message', { content: 'hi', timeout_seconds: 5 }],
      ['delete_session', {}],
    ] as const) {
      const result = await call(bob, tool, { session_id: id, ...args })
      expect(result.isError, tool).toBe(true)
      expect(text(result), tool).toBe(`session_not_found: No session ${id} is visible to you`)
    }
    const still = await call(alice, 'send_message', { session_id: id, content: 'still mine?' })
    expect(still.structuredContent).toMatchObject({ reply: { content: 'Echo: still mine?' } })
    await call(alice, 'delete_session', { session_id: id })
  })

  it('answers a bad argument or a missing permission with a tool error, and goes on', async () => {
    const alice = await connect(KEYS.alice)
    const bad = await call(alice, 'send_message', { session_id: 'not-a-uuid', content: '' })
    expect(bad.isError).toBe(true)
    expect(text(bad)).toMatch(/session_id/)
    expect(text(bad)).toMatch(/content/)
    const unknown = await call(alice, 'start_session', { colour: 'blue' })
    expect(unknown.isError).toBe(true)
    expect(text(unknown)).toMatch(/colour/)
    const refused = await call(alice, 'start_session', {
      mcp_servers: { x: { type: 'stdio', command: 'x', env: { LD_PRELOAD: '/tmp/x.so' } } },
    })
    expect(text(refused)).toMatch(/^invalid_request: .*mcp_servers\.x\.env\.LD_PRELOAD/)

    const viewer = await connect(KEYS.viewer)
    const forbidden = await call(viewer, 'start_session', {})
    expect(forbidden.isError).toBe(true)
    expect(text(forbidden)).toBe(
      'forbidden: Your role (member) does not have the session:create permission',
    )
    expect((await alice.listTools()).tools).toHaveLength(7)
  })

  it('refuses a caller without credentials with 401, and GET with 405', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    }
    const res = await fetch(`${proxy.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(initialize),
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    await expect(connect('not-a-key-00000000000000000')).rejects.toThrow(/401/)
    const get = await fetch(`${proxy.url}/mcp`, { headers: { 'X-API-Key': KEYS.alice } })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })
})
