import { z } from 'zod'
import { AgentMessageSchema } from './agent.ts'
import { SessionIdSchema, TagsSchema, UserIdSchema } from './common.ts'
import { SessionStatusSchema, StartSessionRequestSchema } from './sessions.ts'

// The MCP tools' arguments. A model fills these in from the descriptions alone, so each says
// what it is for, and every bound is the same as the HTTP route's.

/**
 * `list_sessions`: like `GET /search`, with tags as an object.
 *
 * @example
 * ListSessionsInputSchema.parse({ status: 'active', tags: { team: 'infra' } })
 */
export const ListSessionsInputSchema = z.strictObject({
  status: z
    .union([SessionStatusSchema, z.array(SessionStatusSchema).min(1).max(6)])
    .optional()
    .meta({ description: 'Only sessions in this status, or in any of these statuses' }),
  tags: TagsSchema.optional().meta({ description: 'Only sessions with all of these tags' }),
  user_id: UserIdSchema.optional().meta({ description: "Another user's sessions (admins only)" }),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional().meta({ description: 'next_cursor of the page before' }),
})
export type ListSessionsInput = z.input<typeof ListSessionsInputSchema>

/**
 * `start_session`: the body of `POST /start`. A copy of it, since an MCP tool's input schema
 * must be an object at its root, not the reference to a named schema that the shared one becomes.
 *
 * @example
 * StartSessionInputSchema.parse({ message: 'Fix the flaky test', tags: { team: 'infra' } })
 */
export const StartSessionInputSchema = StartSessionRequestSchema.extend({})
export type StartSessionInput = z.infer<typeof StartSessionInputSchema>

/**
 * The arguments of the tools that act on one session (`get_session`, `get_status`,
 * `delete_session`).
 *
 * @example
 * SessionRefInputSchema.parse({ session_id: '5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11' })
 */
export const SessionRefInputSchema = z.strictObject({ session_id: SessionIdSchema })
export type SessionRefInput = z.infer<typeof SessionRefInputSchema>

/**
 * `send_message`: sends `content` as the user and waits for the agent's reply.
 *
 * @example
 * SendMessageInputSchema.parse({ session_id: id, content: 'Run the tests', timeout_seconds: 300 })
 */
export const SendMessageInputSchema = z.strictObject({
  session_id: SessionIdSchema,
  content: z.string().min(1).max(100_000).meta({ description: 'What to say to the agent' }),
  // Under the 60 s many MCP clients give a call by default: a slow agent then ends in a tool
  // error that says to read the reply later, not in the client dropping the call.
  timeout_seconds: z.number().int().min(1).max(3600).default(55).meta({
    description:
      'How long to wait for the session to be ready and the agent to reply; more than 60 needs a client whose call timeout is longer',
  }),
})
export type SendMessageInput = z.input<typeof SendMessageInputSchema>

/**
 * `get_messages`: the conversation, or the part of it after a message id.
 *
 * @example
 * GetMessagesInputSchema.parse({ session_id: id, after_id: 3 })
 */
export const GetMessagesInputSchema = z.strictObject({
  session_id: SessionIdSchema,
  after_id: z.number().int().min(-1).optional().meta({
    description: 'Only messages with a greater id (the last id you have read)',
  }),
  limit: z.number().int().min(1).max(1000).default(100).meta({
    description: 'At most this many, the newest',
  }),
})
export type GetMessagesInput = z.input<typeof GetMessagesInputSchema>

/**
 * What `send_message` returns: the agent's reply to the message it sent.
 *
 * @example
 * const { reply } = SendMessageOutputSchema.parse(result.structuredContent)
 */
export const SendMessageOutputSchema = z.object({
  session_id: SessionIdSchema,
  reply: AgentMessageSchema,
})
export type SendMessageOutput = z.infer<typeof SendMessageOutputSchema>

/**
 * What `get_messages` returns.
 *
 * @example
 * const { messages } = GetMessagesOutputSchema.parse(result.structuredContent)
 */
export const GetMessagesOutputSchema = z.object({
  session_id: SessionIdSchema,
  messages: z.array(AgentMessageSchema),
})
export type GetMessagesOutput = z.infer<typeof GetMessagesOutputSchema>

/**
 * What `get_status` returns: the session's and its agent's status.
 *
 * @example
 * const { agent_status } = GetStatusOutputSchema.parse(result.structuredContent)
 */
export const GetStatusOutputSchema = z.object({
  session_id: SessionIdSchema,
  status: SessionStatusSchema,
  agent_status: z.enum(['running', 'stable']).nullable().meta({
    description: '`stable` when the agent waits for input; null while it does not answer',
  }),
})
export type GetStatusOutput = z.infer<typeof GetStatusOutputSchema>
