import type { AgentMessage } from '@agentapi-proxy/shared'
import { followConversation } from './conversation.ts'
import { withDeadline } from './deadline.ts'
import type { ReconnectOptions } from './events.ts'
import type { Transport } from './transport.ts'

/**
 * Options of `ask()`.
 *
 * @example
 * const reply = await client.ask(id, 'hello', { timeout: 120_000 })
 */
export interface AskOptions {
  /** Give up after this many ms with a `TimeoutError` DOMException; unset waits for ever. */
  timeout?: number
  signal?: AbortSignal
  reconnect?: ReconnectOptions
}

/**
 * Sends `content` as the user and resolves with the agent's reply to it: the newest agent
 * message after it, once the agent is `stable` again. Not "the next `stable`": the agent can
 * report `stable` before it has taken the message in, and a wait for that returns the reply to
 * the message before (or the greeting).
 *
 * @example
 * const reply = await ask(transport, id, 'What changed?', { timeout: 120_000 })
 * console.log(reply.content)
 */
export async function ask(
  transport: Transport,
  sessionId: string,
  content: string,
  options: AskOptions = {},
): Promise<AgentMessage> {
  const deadline = withDeadline(
    options.timeout,
    `Session ${sessionId} did not reply within ${options.timeout} ms`,
    options.signal,
  )
  const { signal } = deadline
  try {
    // Where the conversation stands before: the user message this sends comes after it.
    const before = await transport.json<{ messages: AgentMessage[] }>(
      'GET',
      `${sessionId}/messages`,
      {
        signal,
      },
    )
    const last = before.messages.at(-1)?.id ?? -1
    await transport.json('POST', `${sessionId}/message`, {
      json: { content, type: 'user' },
      signal,
    })
    const states = followConversation(transport, sessionId, {
      signal,
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    })
    for await (const state of states) {
      const mine = state.messages.find((m) => m.id > last && m.role === 'user')
      if (!mine || state.status !== 'stable') continue
      const reply = state.messages.filter((m) => m.id > mine.id && m.role === 'agent').at(-1)
      if (reply) return reply
    }
    signal.throwIfAborted()
    throw new Error(`The event stream of session ${sessionId} ended before a reply`)
  } finally {
    deadline.done()
  }
}
