import type { ServerResponse } from 'node:http'
import type { AgentStatus, ConversationEvent, Message } from './conversation.ts'
import { goJson } from './go-json.ts'
import { renderScreen } from './screen.ts'

/**
 * Server-Sent Events as agentapi sends them (`/events`, `/internal/screen`): `event:` and
 * `data:` lines only (no `id:`, no `retry:`, no heartbeats), data as compact JSON with Go's HTML
 * escaping, and on connect a replay of the current state before any live event.
 */

/** What the hub needs to know about the conversation to replay it. */
export interface ConversationView {
  readonly messages: readonly Message[]
  readonly status: AgentStatus
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  Expires: '0',
  'X-Accel-Buffering': 'no',
  'X-Proxy-Buffering': 'no',
  Connection: 'keep-alive',
}

// agentapi gives each subscriber a 1024-event buffer and ends the stream of one that falls behind.
const MAX_BACKLOG = 1024

interface Subscriber {
  res: ServerResponse
  backlog: number
}

/** Fans conversation events out to `/events` and `/internal/screen` subscribers. */
export class EventHub {
  #view: ConversationView
  #agentType: string
  #events = new Set<Subscriber>()
  #screens = new Set<Subscriber>()
  #screen: string

  constructor(view: ConversationView, agentType: string) {
    this.#view = view
    this.#agentType = agentType
    this.#screen = renderScreen(view.messages, view.status)
  }

  /** Forwards one conversation event to every `/events` subscriber, and a changed screen. */
  publish(event: ConversationEvent): void {
    if (event.type === 'exit') return
    const frame =
      event.type === 'message_update'
        ? messageFrame(event.message)
        : this.#statusFrame(event.status)
    for (const subscriber of this.#events) send(subscriber, frame, this.#events)
    const screen = renderScreen(this.#view.messages, this.#view.status)
    if (screen === this.#screen) return
    this.#screen = screen
    for (const subscriber of this.#screens) send(subscriber, screenFrame(screen), this.#screens)
  }

  /** `GET /events`: every message in id order, then the status, then live events. */
  subscribeEvents(res: ServerResponse): void {
    const frames = this.#view.messages.map(messageFrame)
    frames.push(this.#statusFrame(this.#view.status))
    this.#subscribe(res, frames, this.#events)
  }

  /** `GET /internal/screen`: the current screen, then one event per change. */
  subscribeScreen(res: ServerResponse): void {
    this.#subscribe(res, [screenFrame(this.#screen)], this.#screens)
  }

  /** Ends every stream cleanly, as agentapi does on shutdown or agent exit. */
  closeAll(): void {
    for (const subscriber of [...this.#events, ...this.#screens]) subscriber.res.end()
    this.#events.clear()
    this.#screens.clear()
  }

  #subscribe(res: ServerResponse, replay: string[], set: Set<Subscriber>): void {
    res.writeHead(200, SSE_HEADERS)
    const subscriber = { res, backlog: 0 }
    set.add(subscriber)
    res.on('close', () => set.delete(subscriber))
    res.on('drain', () => {
      subscriber.backlog = 0
    })
    for (const frame of replay) send(subscriber, frame, set)
  }

  #statusFrame(status: AgentStatus): string {
    return frame('status_change', { status, agent_type: this.#agentType })
  }
}

function send(subscriber: Subscriber, data: string, set: Set<Subscriber>): void {
  if (subscriber.res.write(data)) return
  subscriber.backlog++
  if (subscriber.backlog < MAX_BACKLOG) return
  set.delete(subscriber)
  subscriber.res.end()
}

function messageFrame({ id, role, content, time }: Message): string {
  // The SSE payload calls the content `message`, unlike `/messages`; agentapi really does this.
  return frame('message_update', { id, role, message: content, time })
}

function screenFrame(screen: string): string {
  return frame('screen', { screen })
}

function frame(event: string, data: object): string {
  return `event: ${event}\ndata: ${goJson(data, { escapeHtml: true })}\n\n`
}
