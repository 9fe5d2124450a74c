import type { SessionChangeEvent, SessionEvent } from '@agentapi-proxy/shared'
import { canAccess, type Principal } from '../auth/principal.ts'

/**
 * One reader of the event log (an SSE stream, a long poll): what it may see, and how far it
 * has read. Events older than its position are dropped, so replay and live delivery can
 * overlap without a duplicate; while it replays, live events wait in a buffer.
 */
export class EventSubscriber {
  readonly #principal: Principal
  readonly #send: (events: SessionEvent[]) => void
  #position: number
  #buffer: SessionChangeEvent[] | null = []

  constructor(principal: Principal, position: number, send: (events: SessionEvent[]) => void) {
    this.#principal = principal
    this.#position = position
    this.#send = send
  }

  /** The newest event this reader has looked at (seen or not allowed to see). */
  get position(): number {
    return this.#position
  }

  /** Live events from the hub, oldest first. */
  receive(events: readonly SessionChangeEvent[]): void {
    if (this.#buffer) this.#buffer.push(...events)
    else this.#deliver(events)
  }

  /** Replayed events (and the `reset` that may open them), read from the store. */
  replay(events: readonly SessionEvent[]): void {
    this.#deliver(events)
  }

  /** Moves the position without sending (after a `reset`, or to the log's end). */
  skipTo(position: number): void {
    this.#position = Math.max(this.#position, position)
  }

  /** Ends the replay: what came live meanwhile goes out, past the replayed part. */
  goLive(): void {
    const buffered = this.#buffer ?? []
    this.#buffer = null
    this.#deliver(buffered)
  }

  #deliver(events: readonly SessionEvent[]): void {
    const visible: SessionEvent[] = []
    for (const event of events) {
      if (event.type !== 'reset' && event.id <= this.#position) continue
      this.#position = Math.max(this.#position, event.id)
      if (event.type === 'reset' || canAccess(this.#principal, event.session.user_id)) {
        visible.push(event)
      }
    }
    if (visible.length > 0) this.#send(visible)
  }
}
