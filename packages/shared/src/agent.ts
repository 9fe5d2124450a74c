import { z } from 'zod'
import { AgentStatusSchema } from './sessions.ts'

// agentapi's own wire format (its openapi.json, v0.12.1), as reached through `/{sessionId}/…`.
// Objects are not strict: agentapi adds a `$schema` key to every response, and a newer agentapi
// may add fields that an older client should ignore.

/** `running` while the agent works, `stable` when it waits for input (never null on the wire). */
const RunStatusSchema = AgentStatusSchema.unwrap()

/** The `$schema` link agentapi puts first in every JSON response; clients ignore it. */
const SchemaLink = z.string().optional().meta({ description: 'JSON Schema link; ignore it' })

/**
 * Who wrote a message: agentapi has no system or tool role.
 *
 * @example
 * ConversationRoleSchema.parse('agent')
 */
export const ConversationRoleSchema = z.enum(['user', 'agent'])
export type ConversationRole = z.infer<typeof ConversationRoleSchema>

/**
 * `user` is recorded in the conversation and needs a `stable` agent; `raw` is written to the
 * terminal verbatim (control keys such as Esc `\x1b`) and never recorded.
 *
 * @example
 * MessageTypeSchema.parse('raw')
 */
export const MessageTypeSchema = z.enum(['user', 'raw'])
export type MessageType = z.infer<typeof MessageTypeSchema>

/**
 * How agentapi drives its agent: a terminal (`pty`) or the Agent Client Protocol (`acp`).
 *
 * @example
 * AgentTransportSchema.parse('pty')
 */
export const AgentTransportSchema = z.enum(['pty', 'acp'])
export type AgentTransport = z.infer<typeof AgentTransportSchema>

/**
 * One message of the conversation. `id` is its index; the last agent message is rewritten in
 * place while the agent works (content and time change, the id does not).
 *
 * @example
 * const m: AgentMessage = { id: 1, role: 'user', content: 'hi', time: '2026-04-10T12:00:05Z' }
 */
export const AgentMessageSchema = z.object({
  id: z.number().int().min(0).meta({ description: 'Index of the message in the conversation' }),
  content: z.string().meta({ description: "Terminal text, hard-wrapped at the agent's width" }),
  role: ConversationRoleSchema,
  time: z.string().meta({ description: 'RFC 3339, time of the last change' }),
})
export type AgentMessage = z.infer<typeof AgentMessageSchema>

/**
 * `GET /{sessionId}/messages`: the whole conversation in id order.
 *
 * @example
 * const { messages } = await client.messages(sessionId)
 */
export const AgentMessagesSchema = z.object({
  $schema: SchemaLink,
  messages: z.array(AgentMessageSchema),
})
export type AgentMessages = z.infer<typeof AgentMessagesSchema>

/**
 * `GET /{sessionId}/status`. `transport` is missing from agentapi before v0.12.0.
 *
 * @example
 * const { status } = await client.status(sessionId) // 'running' | 'stable'
 */
export const AgentStatusResponseSchema = z.object({
  $schema: SchemaLink,
  status: RunStatusSchema,
  agent_type: z.string().meta({ example: 'claude' }),
  transport: AgentTransportSchema.optional(),
})
export type AgentStatusResponse = z.infer<typeof AgentStatusResponseSchema>

/**
 * `POST /{sessionId}/message`: `content` and `type` are required; agentapi rejects other fields.
 *
 * @example
 * const body: SendMessageRequest = { content: 'Fix the flaky test', type: 'user' }
 */
export const SendMessageRequestSchema = z
  .strictObject({
    $schema: SchemaLink,
    content: z.string(),
    type: MessageTypeSchema,
  })
  .meta({ example: { content: 'List the failing tests', type: 'user' } })
export type SendMessageRequest = z.infer<typeof SendMessageRequestSchema>

/**
 * The answer to `POST /{sessionId}/message`: for `user` messages, `ok` means the agent *started*
 * working, not that it finished.
 *
 * @example
 * const { ok } = await client.sendMessage(sessionId, 'hello')
 */
export const SendMessageResponseSchema = z.object({ $schema: SchemaLink, ok: z.boolean() })
export type SendMessageResponse = z.infer<typeof SendMessageResponseSchema>

/**
 * `POST /{sessionId}/upload`: where agentapi stored the file. The agent is not told; mention
 * the path in the next message (agentapi's chat UI appends ` @"<filePath>"`).
 *
 * @example
 * const { filePath } = await client.upload(sessionId, new Blob(['x']), 'notes.txt')
 */
export const UploadResponseSchema = z.object({
  $schema: SchemaLink,
  ok: z.boolean(),
  filePath: z.string(),
})
export type UploadResponse = z.infer<typeof UploadResponseSchema>

/**
 * Data of an SSE `message_update`: the full message (never a delta), with its text under
 * `message` rather than `content`. An update with a known `id` replaces that message.
 *
 * @example
 * const u: MessageUpdate = { id: 2, role: 'agent', message: 'Echo: hi', time: '2026-04-10T12:00:06Z' }
 */
export const MessageUpdateSchema = z.object({
  id: z.number().int().min(0),
  role: ConversationRoleSchema,
  message: z.string(),
  time: z.string(),
})
export type MessageUpdate = z.infer<typeof MessageUpdateSchema>

/**
 * Data of an SSE `status_change`: sent on a real change, and once when a stream (re)connects.
 *
 * @example
 * const c: StatusChange = { status: 'stable', agent_type: 'claude' }
 */
export const StatusChangeSchema = z.object({ status: RunStatusSchema, agent_type: z.string() })
export type StatusChange = z.infer<typeof StatusChangeSchema>

/**
 * Data of an SSE `agent_error` (rare: in PTY mode only a failed state restore, as a warning).
 *
 * @example
 * const r: AgentErrorReport = { message: 'Failed to restore…', level: 'warning', time: '…' }
 */
export const AgentErrorReportSchema = z.object({
  message: z.string(),
  level: z.enum(['error', 'warning']),
  time: z.string(),
})
export type AgentErrorReport = z.infer<typeof AgentErrorReportSchema>

/**
 * One event of `GET /{sessionId}/events`, named as the SSE `event:` line names it, with the
 * parsed `data:` line. Every (re)connection first replays the current state: each message, one
 * `status_change`, every stored `agent_error`.
 *
 * @example
 * for await (const event of client.events(sessionId)) {
 *   if (event.type === 'status_change') console.log(event.data.status)
 * }
 */
export const AgentEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_update'), data: MessageUpdateSchema }),
  z.object({ type: z.literal('status_change'), data: StatusChangeSchema }),
  z.object({ type: z.literal('agent_error'), data: AgentErrorReportSchema }),
])
export type AgentEvent = z.infer<typeof AgentEventSchema>
/**
 * The name of an agent event (the SSE `event:` line).
 *
 * @example
 * const wanted: AgentEventType[] = ['status_change']
 */
export type AgentEventType = AgentEvent['type']

/**
 * agentapi's error body (huma's RFC 7807 `ErrorModel`). On a 500 the fixed `detail` is
 * "unexpected error occurred" and the real reason is in `errors[0].message`.
 *
 * @example
 * const p: AgentProblem = {
 *   title: 'Internal Server Error', status: 500, detail: 'unexpected error occurred',
 *   errors: [{ message: 'failed to send message: message must not be empty' }],
 * }
 */
export const AgentProblemSchema = z.object({
  $schema: SchemaLink,
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int().optional(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z
    .array(
      z.object({
        message: z.string().optional(),
        location: z.string().optional(),
        value: z.unknown().optional(),
      }),
    )
    .nullable()
    .optional(),
})
export type AgentProblem = z.infer<typeof AgentProblemSchema>
