import { type ClientRequest, type IncomingMessage, request } from 'node:http'

/**
 * Reads an agentapi SSE stream one event at a time, for tests that await events instead of
 * sleeping. Each event keeps its raw frame, so framing can be asserted byte for byte.
 */

/** One SSE event. */
export interface StreamEvent {
  event: string
  /** The `data:` line parsed as JSON. */
  data: unknown
  /** The frame exactly as received, blank line included. */
  raw: string
}

export class EventStreamReader {
  #request: ClientRequest
  #buffer = ''
  #events: StreamEvent[] = []
  #waiters: (() => void)[] = []
  #ended = false
  /** The response, once the headers arrived. */
  readonly response: Promise<IncomingMessage>

  constructor(url: string, headers: Record<string, string> = {}) {
    this.#request = request(url, { headers })
    this.response = new Promise((resolve, reject) => {
      this.#request.on('response', (res) => {
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => this.#receive(chunk))
        res.on('end', () => this.#finish())
        res.on('close', () => this.#finish())
        resolve(res)
      })
      this.#request.on('error', (error) => {
        this.#finish()
        reject(error)
      })
    })
    this.#request.end()
  }

  /** The next event; rejects if the stream ended first. */
  async next(): Promise<StreamEvent> {
    while (this.#events.length === 0) {
      if (this.#ended) throw new Error('the event stream ended')
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
    return this.#events.shift() as StreamEvent
  }

  /** Skips events until one matches, and returns it. */
  async until(matches: (event: StreamEvent) => boolean): Promise<StreamEvent> {
    for (;;) {
      const event = await this.next()
      if (matches(event)) return event
    }
  }

  /** Resolves when the server ended the stream. */
  async ended(): Promise<void> {
    while (!this.#ended) await new Promise<void>((resolve) => this.#waiters.push(resolve))
  }

  close(): void {
    this.#request.destroy()
  }

  #receive(chunk: string): void {
    this.#buffer += chunk
    for (let end = this.#buffer.indexOf('\n\n'); end !== -1; end = this.#buffer.indexOf('\n\n')) {
      const raw = this.#buffer.slice(0, end + 2)
      this.#buffer = this.#buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(raw)?.[1] ?? 'message'
      const data = /^data: (.*)$/m.exec(raw)?.[1]
      this.#events.push({ event, data: data === undefined ? undefined : JSON.parse(data), raw })
    }
    this.#wake()
  }

  #finish(): void {
    this.#ended = true
    this.#wake()
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }
}

/** A matcher for `status_change` events with the given status. */
export function statusIs(status: 'running' | 'stable') {
  return (event: StreamEvent): boolean =>
    event.event === 'status_change' && (event.data as { status: string }).status === status
}
