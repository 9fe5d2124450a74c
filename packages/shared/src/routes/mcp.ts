import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { authenticated, json, jsonBody, problems } from './responses.ts'

// One JSON-RPC 2.0 message, or a batch; the MCP SDK behind the route reads the rest.
const JsonRpcMessageSchema = z.looseObject({ jsonrpc: z.literal('2.0') })
const JsonRpcBodySchema = z
  .union([JsonRpcMessageSchema, z.array(JsonRpcMessageSchema).min(1)])
  .meta({ example: { jsonrpc: '2.0', id: 1, method: 'tools/list' } })

export const mcp = createRoute({
  method: 'post',
  path: '/mcp',
  tags: ['MCP'],
  summary: 'Model Context Protocol',
  description:
    'An MCP server over streamable HTTP, stateless (no `Mcp-Session-Id`): tools to list, start, ' +
    'inspect, message and delete sessions, with the permissions of the caller, checked as the ' +
    'routes check them. Send `Accept: application/json, text/event-stream`.',
  security: authenticated,
  request: { body: jsonBody(JsonRpcBodySchema) },
  responses: {
    200: json(z.looseObject({ jsonrpc: z.literal('2.0') }), 'The JSON-RPC response'),
    202: { description: 'A notification or a response was accepted' },
    ...problems(400, 401, 413, 422),
  },
})
