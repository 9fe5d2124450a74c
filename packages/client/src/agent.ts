import type {
  AgentEvent,
  AgentMessage,
  AgentMessages,
  AgentStatusResponse,
  MessageType,
  SendMessageRequest,
  SendMessageResponse,
  StatusChange,
  UploadResponse,
} from '@agentapi-proxy/shared'
import { type AskOptions, ask } from './ask.ts'
import { type ConversationState, followConversation } from './conversation.ts'
import { agentEvents, type EventsOptions } from './events.ts'
import { segment, type Transport } from './transport.ts'
import { type WaitForStatusOptions, waitForStatus } from './wait-for-status.ts'

/**
 * The agent behind a session, reached through the proxy at `/{sessionId}/…` (agentapi's API).
 * agentapi's own errors arrive as {@link ApiError}s whose detail holds its reason.
 *
 * @example
 * await client.sendMessage(id, 'Add a README')
 * await client.waitForStatus(id, 'stable', { timeout: 120_000 })
 * const { messages } = await client.messages(id)
 */
export interface AgentApi {
  /**
   * `POST /{id}/message`. A `user` message needs a `stable` agent and resolves once the agent
   * has *started* on it; `raw` content is typed into the terminal as is (`'\x1b'` interrupts).
   *
   * @example
   * await client.sendMessage(id, 'Fix the flaky test')
   * await client.sendMessage(id, '\x1b', 'raw')
   */
  sendMessage(sessionId: string, content: string, type?: MessageType): Promise<SendMessageResponse>
  /**
   * `GET /{id}/messages`: the whole conversation, in id order.
   *
   * @example
   * const { messages } = await client.messages(id)
   */
  messages(sessionId: string): Promise<AgentMessages>
  /**
   * `GET /{id}/status`: `running` or `stable`, the agent type and transport.
   *
   * @example
   * const { status } = await client.status(id)
   */
  status(sessionId: string): Promise<AgentStatusResponse>
  /**
   * `POST /{id}/upload` (multipart, field `file`, ≤ 10 MiB): where agentapi stored it. The
   * agent is not told; mention `filePath` in a message. A Blob without `name` is named `blob`.
   *
   * @example
   * const { filePath } = await client.upload(id, new Blob(['a,b\n1,2\n']), 'data.csv')
   * await client.sendMessage(id, `Summarise @"${filePath}"`)
   */
  upload(sessionId: string, file: Blob, name?: string): Promise<UploadResponse>
  /**
   * `GET /{id}/events` as typed events over fetch streaming, reconnecting with backoff. Each
   * (re)connection first replays the current state: a `message_update` with a known `id`
   * replaces that message (upsert by id; `conversation()` does it for you).
   *
   * @example
   * for await (const event of client.events(id, { signal })) {
   *   if (event.type === 'message_update') messages.set(event.data.id, event.data)
   * }
   */
  events(sessionId: string, options?: EventsOptions): AsyncGenerator<AgentEvent, void, undefined>
  /**
   * The event stream folded into conversation snapshots, one per visible change; reconnects
   * replace the conversation with the server's replay.
   *
   * @example
   * for await (const { messages, status } of client.conversation(id, { signal })) {
   *   render(messages, status)
   * }
   */
  conversation(
    sessionId: string,
    options?: EventsOptions,
  ): AsyncGenerator<ConversationState, void, undefined>
  /**
   * Resolves when the agent reports `status` (at once if it already does), from the events.
   *
   * @example
   * await client.waitForStatus(id, 'stable', { timeout: 60_000 })
   */
  waitForStatus(
    sessionId: string,
    status: StatusChange['status'],
    options?: WaitForStatusOptions,
  ): Promise<StatusChange>
  /**
   * Sends `content` as the user and resolves with the agent's reply to it (once it is stable).
   *
   * @example
   * const reply = await client.ask(id, 'Summarise the README', { timeout: 120_000 })
   * console.log(reply.content)
   */
  ask(sessionId: string, content: string, options?: AskOptions): Promise<AgentMessage>
}

/**
 * The agent methods over a transport.
 *
 * @example
 * const api = agentApi(transport)
 */
export function agentApi(transport: Transport): AgentApi {
  return {
    sendMessage: (id, content, type = 'user') => {
      const json: SendMessageRequest = { content, type }
      return transport.json<SendMessageResponse>('POST', `${segment(id)}/message`, { json })
    },
    messages: (id) => transport.json<AgentMessages>('GET', `${segment(id)}/messages`),
    status: (id) => transport.json<AgentStatusResponse>('GET', `${segment(id)}/status`),
    upload: (id, file, name) => {
      const body = new FormData()
      if (name === undefined) body.append('file', file)
      else body.append('file', file, name)
      return transport.json<UploadResponse>('POST', `${segment(id)}/upload`, { body })
    },
    events: (id, options) => agentEvents(transport, id, options),
    conversation: (id, options) => followConversation(transport, id, options),
    waitForStatus: (id, status, options) => waitForStatus(transport, id, status, options),
    ask: (id, content, options) => ask(transport, segment(id), content, options),
  }
}
