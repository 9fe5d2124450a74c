import type {
  AgentErrorReport,
  AgentEvent,
  AgentMessage,
  StatusChange,
} from '@agentapi-proxy/shared'
import { agentEvents, type EventsOptions } from './events.ts'
import type { Transport } from './transport.ts'

/**
 * A conversation as the event stream has built it: messages in id order, shaped as
 * `GET /messages` returns them (`content`, not the stream's `message`).
 *
 * @example
 * const last = state.messages.at(-1)
 * if (state.status === 'stable' && last?.role === 'agent') console.log(last.content)
 */
export interface ConversationState {
  readonly messages: readonly AgentMessage[]
  /** `null` until the first `status_change`. */
  readonly status: StatusChange['status'] | null
  readonly agentType: string | null
  readonly errors: readonly AgentErrorReport[]
}

/**
 * Folds agent events into a {@link ConversationState}: a `message_update` upserts its message
 * by id. Call `restart()` when a stream (re)connects: the replay that follows is collected
 * aside and replaces the messages wholesale at its `status_change`, so a restarted agent's
 * shorter history is not merged into the old one, and no half-replayed state is ever shown.
 *
 * @example
 * const conversation = new Conversation()
 * for await (const event of client.events(id, { onOpen: () => conversation.restart() })) {
 *   if (conversation.apply(event)) render(conversation.state)
 * }
 */
export class Conversation {
  #messages = new Map<number, AgentMessage>()
  #replay: Map<number, AgentMessage> | undefined
  #status: StatusChange['status'] | null = null
  #agentType: string | null = null
  #errors: AgentErrorReport[] = []

  /** A stream (re)opened: collect its replay until the `status_change` that ends it. */
  restart(): void {
    this.#replay = new Map()
  }

  /** Applies one event; true when the visible state changed. */
  apply(event: AgentEvent): boolean {
    switch (event.type) {
      case 'message_update': {
        const { id, role, message, time } = event.data
        ;(this.#replay ?? this.#messages).set(id, { id, role, content: message, time })
        return this.#replay === undefined
      }
      case 'status_change': {
        if (this.#replay) this.#messages = this.#replay
        this.#replay = undefined
        this.#status = event.data.status
        this.#agentType = event.data.agent_type
        return true
      }
      case 'agent_error': {
        // Replays repeat stored errors; they carry no id, so match them by their fields.
        const { message, level, time } = event.data
        const known = this.#errors.some(
          (e) => e.time === time && e.message === message && e.level === level,
        )
        if (!known) this.#errors.push({ message, level, time })
        return !known
      }
    }
  }

  /** A snapshot; later events never change it. */
  get state(): ConversationState {
    return {
      messages: [...this.#messages.values()].sort((a, b) => a.id - b.id),
      status: this.#status,
      agentType: this.#agentType,
      errors: [...this.#errors],
    }
  }
}

/**
 * The events of a session folded into snapshots: one per visible change, reconnects included.
 *
 * @example
 * for await (const state of followConversation(transport, id, { signal })) render(state)
 */
export async function* followConversation(
  transport: Transport,
  sessionId: string,
  options: EventsOptions = {},
): AsyncGenerator<ConversationState, void, undefined> {
  const conversation = new Conversation()
  const events = agentEvents(transport, sessionId, {
    ...options,
    onOpen: (reconnected) => {
      conversation.restart()
      options.onOpen?.(reconnected)
    },
  })
  for await (const event of events) {
    if (conversation.apply(event)) yield conversation.state
  }
}
