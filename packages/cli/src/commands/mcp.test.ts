import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { stopGroupsUnder, TempDirs } from '@agentapi-proxy/server/testing'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, startProxy, type TestProxy, withAuth } from '../../test/proxy.ts'

// `agentapi-proxy mcp` as an assistant runs it: a child process spoken to over stdio by the
// SDK's own client. setsid makes it lead a process group of its own (tsx starts esbuild beside
// it), and its temp cwd is how the group is found and killed after each test.

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url))
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

let proxy: TestProxy
const dirs = new TempDirs()
const cwds: string[] = []

beforeAll(async () => {
  proxy = await startProxy(withAuth)
})
afterEach(async () => {
  await Promise.all(cwds.splice(0).map((cwd) => stopGroupsUnder(cwd)))
  await dirs.removeAll()
})
afterAll(() => proxy?.close())

async function bridge(env: Record<string, string>): Promise<Client> {
  const cwd = dirs.make('aap-mcp-bridge-')
  cwds.push(cwd)
  const transport = new StdioClientTransport({
    command: 'setsid',
    args: [process.execPath, '--import', TSX, MAIN, 'mcp'],
    cwd,
    env: { PATH: process.env.PATH ?? '', AGENTAPI_PROXY_URL: proxy.url, ...env },
    stderr: 'pipe',
  })
  const client = new Client({ name: 'bridge-test', version: '1.0.0' })
  await client.connect(transport)
  return client
}

describe('agentapi-proxy mcp', () => {
  it('forwards an MCP conversation to the proxy with the CLI credentials', async () => {
    const client = await bridge({ AGENTAPI_PROXY_API_KEY: ADMIN_KEY })
    try {
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toContain('send_message')
      const started = (await client.callTool({
        name: 'start_session',
        arguments: {},
      })) as CallToolResult
      const id = (started.structuredContent as { session_id: string }).session_id
      const sent = (await client.callTool({
        name: 'send_message',
        arguments: { session_id: id, content: 'over stdio' },
      })) as CallToolResult
      expect(sent.structuredContent).toMatchObject({ reply: { content: 'Echo: over stdio' } })
      const deleted = (await client.callTool({
        name: 'delete_session',
        arguments: { session_id: id },
      })) as CallToolResult
      expect(deleted.structuredContent).toEqual({ session_id: id, status: 'terminated' })
    } finally {
      await client.close()
    }
  })

  it("answers with the proxy's refusal when the credentials are wrong", async () => {
    const transport = bridge({ AGENTAPI_PROXY_API_KEY: 'wrong-key-000000000000000000' })
    await expect(transport).rejects.toThrow(/401/)
  })
})
