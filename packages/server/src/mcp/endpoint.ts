import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { callerOf } from '../http/principal.ts'
import type { Logger } from '../logger.ts'
import type { SessionService } from '../sessions/service.ts'
import { registerSessionTools } from './tools.ts'

/** What `/mcp` is built from. */
export interface McpEndpointDeps {
  sessions: SessionService
  logger: Logger
  version: string
}

/**
 * `POST /mcp`: the Model Context Protocol over streamable HTTP, in the SDK's stateless mode. Each
 * request authenticates like any API request and gets a server whose tools act as that caller;
 * nothing lives between requests, so any replica can answer any request, a revoked key stops
 * working at the next call, and there is no MCP session to expire or to leak. JSON responses
 * (no SSE): every tool answers once, and a long `send_message` is one pending request.
 *
 * @example
 * registerMcpRoute(app, { sessions, logger, version: '0.1.0' })
 */
export function registerMcpRoute(app: OpenAPIHono, deps: McpEndpointDeps): void {
  app.openapi(routes.mcp, async (c) => {
    const principal = await callerOf(c)
    const server = new McpServer({ name: 'agentapi-proxy', version: deps.version })
    registerSessionTools(server, {
      principal,
      sessions: deps.sessions,
      logger: deps.logger,
      signal: c.req.raw.signal,
    })
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    })
    await server.connect(transport)
    try {
      const body = c.req.valid('json')
      // The typed route knows only its JSON schema; the SDK's Response is passed through whole.
      return (await transport.handleRequest(c.req.raw, { parsedBody: body })) as never
    } finally {
      await server.close()
    }
  })
}
