import type { AgentMessage, ConversationState } from '@agentapi-proxy/client'
import { localTime } from './timestamps.ts'

/**
 * One message as a person reads it: who and when on a line, then the content indented.
 * Agent messages are terminal text; trailing blank lines are dropped.
 *
 * @example
 * formatMessage({ id: 1, role: 'agent', content: 'Echo: hi', time: '2026-11-25T14:21:34Z' })
 * // 'agent · 2026-11-25 14:21:34\n  Echo: hi'
 */
export function formatMessage(message: AgentMessage): string {
  const lines = message.content.replace(/\s+$/, '').split('\n')
  const body = lines.map((line) => (line ? `  ${line}` : '')).join('\n')
  return `${message.role} · ${localTime(message.time)}\n${body}`
}

/**
 * Decides, from the conversation snapshots of `attach`, which messages are complete and not yet
 * printed. A message is complete once a later one exists, or once the agent turned `stable`
 * after it appeared — agentapi rewrites its last message in place until then.
 *
 * @example
 * const transcript = new Transcript()
 * for await (const state of client.conversation(id)) {
 *   for (const message of transcript.complete(state)) print(message)
 * }
 */
export class Transcript {
  #printedUpTo = -1
  #completeUpTo = -1
  #status: ConversationState['status'] = null
  #sent: string[] = []

  /** A (re)connection: the next snapshot is the server's replay, complete when stable. */
  reconnected(): void {
    this.#status = null
  }

  /** A line this client typed: its echo in the conversation is not printed again. */
  sent(content: string): void {
    this.#sent.push(content.trim())
  }

  /** The messages of `state` newly complete, in order (user messages typed here left out). */
  complete(state: ConversationState): AgentMessage[] {
    const lastId = state.messages.at(-1)?.id ?? -1
    const turnedStable = state.status === 'stable' && this.#status !== 'stable'
    this.#status = state.status
    return this.#take(state.messages, turnedStable ? lastId : lastId - 1)
  }

  /** Every message not printed yet, for a caller that knows the agent is idle now. */
  settled(messages: readonly AgentMessage[]): AgentMessage[] {
    return this.#take(messages, messages.at(-1)?.id ?? -1)
  }

  #take(messages: readonly AgentMessage[], completeUpTo: number): AgentMessage[] {
    this.#completeUpTo = Math.max(this.#completeUpTo, completeUpTo)
    const fresh = messages.filter((m) => m.id > this.#printedUpTo && m.id <= this.#completeUpTo)
    this.#printedUpTo = Math.max(this.#printedUpTo, ...fresh.map((m) => m.id))
    return fresh.filter((m) => m.role !== 'user' || !this.#wasSent(m.content))
  }

  #wasSent(content: string): boolean {
    const at = this.#sent.indexOf(content.trim())
    if (at >= 0) this.#sent.splice(at, 1)
    return at >= 0
  }
}
