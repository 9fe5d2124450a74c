import {
  DeleteSessionResponseSchema,
  GetMessagesInputSchema,
  GetMessagesOutputSchema,
  GetStatusOutputSchema,
  ListSessionsInputSchema,
  SearchResponseSchema,
  SendMessageInputSchema,
  SendMessageOutputSchema,
  SessionRefInputSchema,
  SessionSchema,
  StartSessionInputSchema,
} from '@agentapi-proxy/shared'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { z } from 'zod'
import { assertPermission, type Principal } from '../auth/principal.ts'
import type { Logger } from '../logger.ts'
import type { SessionService } from '../sessions/service.ts'
import { getMessages, sendMessage } from './conversation-tools.ts'
import { toolError, toolResult } from './tool-result.ts'

/** What the tools act with: the caller, the sessions, and the request's end. */
export interface ToolContext {
  principal: Principal
  sessions: SessionService
  logger: Logger
  /** Aborts when the HTTP request that carries the call goes away. */
  signal: AbortSignal
}

/**
 * Registers the session tools. Each checks the permission of the route it mirrors and calls the
 * same service method with the caller, so MCP can do exactly what the API lets the caller do.
 *
 * @example
 * registerSessionTools(new McpServer(info), { principal, sessions, logger, signal })
 */
export function registerSessionTools(server: McpServer, context: ToolContext): void {
  const { principal, sessions } = context
  const run = (work: () => Promise<object>) => runTool(work, context.logger)
  server.registerTool(
    'list_sessions',
    {
      title: 'List sessions',
      description:
        'Your sessions, newest first (an admin sees everyone’s), filtered by status and tags; one page at a time',
      inputSchema: ListSessionsInputSchema,
      outputSchema: rootObject(SearchResponseSchema),
      annotations: { readOnlyHint: true },
    },
    ({ tags, status, ...query }) =>
      run(() => {
        assertPermission(principal, 'session:list')
        const filters = Object.fromEntries(
          Object.entries(tags ?? {}).map(([key, value]) => [`tag.${key}`, value]),
        )
        const statuses = status === undefined ? undefined : [status].flat()
        return sessions.search(principal, { ...query, ...filters, status: statuses })
      }),
  )
  server.registerTool(
    'start_session',
    {
      title: 'Start a session',
      description:
        'Starts an agent session (optionally cloning a repository and sending a first message); it is usually `starting` at first: send_message waits until it is ready',
      inputSchema: StartSessionInputSchema,
      outputSchema: rootObject(SessionSchema),
    },
    (request) =>
      run(() => {
        assertPermission(principal, 'session:create')
        return sessions.start(principal, request)
      }),
  )
  server.registerTool(
    'get_session',
    {
      title: 'Get a session',
      description: 'One session: its status, tags, and why it failed when it did',
      inputSchema: SessionRefInputSchema,
      outputSchema: rootObject(SessionSchema),
      annotations: { readOnlyHint: true },
    },
    ({ session_id }) =>
      run(() => {
        assertPermission(principal, 'session:list')
        return sessions.get(principal, session_id)
      }),
  )
  registerConversationTools(server, context, run)
  server.registerTool(
    'delete_session',
    {
      title: 'Delete a session',
      description: 'Stops the session’s agent and removes its working directory',
      inputSchema: SessionRefInputSchema,
      outputSchema: rootObject(DeleteSessionResponseSchema),
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    ({ session_id }) =>
      run(() => {
        assertPermission(principal, 'session:delete')
        return sessions.delete(principal, session_id)
      }),
  )
}

function registerConversationTools(
  server: McpServer,
  context: ToolContext,
  run: (work: () => Promise<object>) => Promise<CallToolResult>,
): void {
  server.registerTool(
    'send_message',
    {
      title: 'Send a message and wait for the reply',
      description:
        'Sends a message to the session’s agent as the user and returns the agent’s reply once it is done (waits for a starting session to be ready first)',
      inputSchema: SendMessageInputSchema,
      outputSchema: SendMessageOutputSchema,
    },
    (input, extra) => run(() => sendMessage(context, input, extra.signal)),
  )
  server.registerTool(
    'get_messages',
    {
      title: 'Read the conversation',
      description:
        'The messages of the session’s conversation, oldest first; after_id reads only newer ones',
      inputSchema: GetMessagesInputSchema,
      outputSchema: GetMessagesOutputSchema,
      annotations: { readOnlyHint: true },
    },
    (input, extra) => run(() => getMessages(context, input, extra.signal)),
  )
  server.registerTool(
    'get_status',
    {
      title: 'Get the status',
      description:
        'The session’s status and its agent’s: `stable` when it waits for input, `running` while it works',
      inputSchema: SessionRefInputSchema,
      outputSchema: GetStatusOutputSchema,
      annotations: { readOnlyHint: true },
    },
    ({ session_id }) =>
      run(async () => {
        assertPermission(context.principal, 'session:access')
        const { status, agent_status } = await context.sessions.get(context.principal, session_id)
        return { session_id, status, agent_status }
      }),
  )
}

// A schema with a meta id becomes a `$ref` to its definition at the root of the JSON Schema; MCP
// wants `type: object` there. An extended copy has no id of its own.
function rootObject<T extends z.ZodObject>(schema: T) {
  return schema.extend({})
}

async function runTool(work: () => Promise<object>, logger: Logger): Promise<CallToolResult> {
  try {
    return toolResult(await work())
  } catch (error) {
    return toolError(error, logger)
  }
}
