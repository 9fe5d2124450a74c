import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import {
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js'
import { type ConnectionOptions, connect } from '../connection.ts'

// JSON-RPC's range for errors of the implementation: the proxy could not be asked.
const PROXY_UNREACHABLE = -32000

/**
 * `agentapi-proxy mcp`: an MCP server on stdin/stdout for assistants that only start MCP servers
 * as programs. It is a bridge, not a second implementation: each message goes to the proxy's
 * `/mcp` with the CLI's URL and credentials, and each answer comes back, so the tools and their
 * rules are the server's. Nothing but JSON-RPC is written to stdout; it ends when stdin does.
 *
 * @example
 * await mcpCommand({ url: 'http://127.0.0.1:8080', apiKey: 'ap_…' })
 */
export async function mcpCommand(options: ConnectionOptions): Promise<void> {
  const { url, apiKey, apiKeyHeader, token } = connect(options)
  const headers: Record<string, string> = {}
  if (apiKey) headers[apiKeyHeader ?? 'X-API-Key'] = apiKey
  if (token) headers.Authorization = `Bearer ${token}`
  const endpoint = new URL(`${url}/mcp`)
  const remote = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } })
  const local = new StdioServerTransport()
  local.onmessage = (message) => {
    remote.send(message).catch((error: unknown) => {
      // A request must be answered, or the assistant waits for ever; a notification may go.
      if (isJSONRPCRequest(message)) void local.send(failure(message, endpoint, error))
    })
  }
  remote.onmessage = (message) => void local.send(message)
  remote.onerror = (error) => process.stderr.write(`agentapi-proxy mcp: ${error.message}\n`)
  const ended = new Promise<void>((resolve) => process.stdin.once('end', resolve))
  await remote.start()
  await local.start()
  await ended
  await Promise.all([remote.close(), local.close()])
}

function failure(request: JSONRPCRequest, endpoint: URL, error: unknown): JSONRPCMessage {
  const why = error instanceof Error ? error.message : String(error)
  return {
    jsonrpc: '2.0',
    id: request.id,
    error: { code: PROXY_UNREACHABLE, message: `agentapi-proxy at ${endpoint.href}: ${why}` },
  }
}
