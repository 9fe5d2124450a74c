import type { AgentMessage } from '@agentapi-proxy/shared'
import type { AgentClient } from './agent-client.ts'

/** What `/events` says of one message: agentapi names its text `message`, not `content`. */
interface MessageUpdate {
  id: number
  role: 'user' | 'agent'
  message: string
  time: string
}

/**
 * Sends `content` as the user and resolves with the agent's reply: its newest message after the
 * user message this sent, once the agent is `stable` again. The message is told apart by its id
 * (greater than every id before the send), not by "the next stable": agentapi may report
 * `stable` before it has taken the message in. Rejects when `signal` aborts (the caller's
 * timeout) or the event stream ends first.
 *
 * @example
 * const reply = await askAgent(new AgentClient(url, secret), 'Run the tests', AbortSignal.timeout(60_000))
 */
export async function askAgent(
  agent: AgentClient,
  content: string,
  signal: AbortSignal,
): Promise<AgentMessage> {
  const before = (await agent.messages(signal)).at(-1)?.id ?? -1
  await agent.sendUserMessage(content, signal)
  const messages = new Map<number, MessageUpdate>()
  let stable = false
  // agentapi replays every message and the status on connect, then sends changes.
  for await (const event of agent.events(signal)) {
    if (event.event === 'message_update') {
      const update = event.data as MessageUpdate
      messages.set(update.id, update)
    } else if (event.event === 'status_change') {
      stable = (event.data as { status?: string }).status === 'stable'
    }
    const reply = stable ? replyAfter(messages, before) : undefined
    if (reply) return { id: reply.id, role: reply.role, content: reply.message, time: reply.time }
  }
  signal.throwIfAborted()
  throw new Error('The agent closed its event stream before it replied')
}

function replyAfter(messages: Map<number, MessageUpdate>, before: number) {
  const sorted = [...messages.values()].sort((a, b) => a.id - b.id)
  const mine = sorted.find((m) => m.id > before && m.role === 'user')
  if (!mine) return undefined
  return sorted.filter((m) => m.id > mine.id && m.role === 'agent').at(-1)
}
