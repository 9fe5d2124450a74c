import type { AgentMessage } from '@agentapi-proxy/client'
import { h } from '../elements.ts'

/**
 * The messages on screen, one element per message id: a growing reply updates its own bubble,
 * so the rest of the transcript (and any text the person is selecting) stays as it is.
 */
export class Transcript {
  readonly #list: HTMLElement
  readonly #shown = new Map<number, { item: HTMLElement; bubble: HTMLElement }>()

  constructor(list: HTMLElement) {
    this.#list = list
  }

  show(messages: readonly AgentMessage[]): void {
    const ids = new Set(messages.map((message) => message.id))
    for (const [id, { item }] of this.#shown) {
      if (ids.has(id)) continue
      // A restarted agent replays a shorter history.
      item.remove()
      this.#shown.delete(id)
    }
    for (const message of messages) {
      const shown = this.#shown.get(message.id)
      if (!shown) this.#add(message)
      else if (shown.bubble.textContent !== message.content)
        shown.bubble.textContent = message.content
    }
  }

  #add(message: AgentMessage): void {
    const time = new Date(message.time).toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit',
    })
    const bubble = h('div', { className: 'bubble' }, message.content)
    const item = h(
      'li',
      { className: `message ${message.role}` },
      h('span', { className: 'who' }, message.role === 'user' ? 'You' : 'Agent', ' · ', time),
      bubble,
    )
    // Ids only grow, and the conversation lists them in order: a new one goes last.
    this.#list.append(item)
    this.#shown.set(message.id, { item, bubble })
  }
}
