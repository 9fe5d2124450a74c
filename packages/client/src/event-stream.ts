/**
 * One dispatched Server-Sent Event: its `event:` name and its joined `data:` lines.
 *
 * @example
 * const e: ServerSentEvent = { event: 'status_change', data: '{"status":"stable","agent_type":"claude"}' }
 */
export interface ServerSentEvent {
  event: string
  data: string
  /** The stream's last event id once this event was read (`''` until an `id:` line). */
  id: string
}

/**
 * Options of {@link readEventStream}.
 *
 * @example
 * readEventStream(body, { onLastEventId: (id) => (resumeFrom = id) })
 */
export interface ReadEventStreamOptions {
  /**
   * Told each time the last event id changes, also by a block with no data (which sets it
   * without dispatching an event), so a reconnect can resume from it.
   */
  onLastEventId?: (id: string) => void
}

// A lone CR at the very end of the buffer may be the first half of a CRLF split across chunks.
const LINE_END = /\r\n|\n|\r(?!$)/

/**
 * Parses a `text/event-stream` body as the WHATWG spec says (`event:`, multi-line `data:`,
 * comments, CR/LF/CRLF line ends, `id:` kept as the last event id). `retry:` is ignored.
 * Leaving the loop early cancels the body.
 *
 * @example
 * for await (const { event, data } of readEventStream(response.body)) console.log(event, data)
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  options: ReadEventStreamOptions = {},
): AsyncGenerator<ServerSentEvent, void, undefined> {
  // A reader loop rather than `for await` over the stream: Safari's streams are not iterable.
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const fields = new EventFields(options.onLastEventId)
  let buffer = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      // At the end, a held-back CR can no longer be the start of a CRLF: it ends its line.
      buffer += done ? (buffer.endsWith('\r') ? '\n' : '') : decoder.decode(value, { stream: true })
      for (let match = LINE_END.exec(buffer); match; match = LINE_END.exec(buffer)) {
        const event = fields.line(buffer.slice(0, match.index))
        buffer = buffer.slice(match.index + match[0].length)
        if (event) yield event
      }
      if (done) return
    }
  } finally {
    void reader.cancel().catch(() => {})
  }
}

/** The fields of the event being read; a blank line dispatches it. */
class EventFields {
  #event = ''
  #data: string[] = []
  #id = ''
  #dispatchedId = ''
  readonly #onId: ((id: string) => void) | undefined

  constructor(onId?: (id: string) => void) {
    this.#onId = onId
  }

  line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.#id !== this.#dispatchedId) {
        this.#dispatchedId = this.#id
        this.#onId?.(this.#id)
      }
      const event =
        this.#data.length > 0
          ? { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id }
          : undefined
      this.#event = ''
      this.#data = []
      return event
    }
    const colon = line.indexOf(':')
    if (colon === 0) return // a comment
    const field = colon < 0 ? line : line.slice(0, colon)
    const raw = colon < 0 ? '' : line.slice(colon + 1)
    const value = raw.startsWith(' ') ? raw.slice(1) : raw
    if (field === 'event') this.#event = value
    else if (field === 'data') this.#data.push(value)
    // An id with a NUL is ignored, as the spec says.
    else if (field === 'id' && !value.includes('\0')) this.#id = value
  }
}
