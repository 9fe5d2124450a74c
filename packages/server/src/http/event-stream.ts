import type { SessionEvent } from '@agentapi-proxy/shared'

/** Options for {@link eventStream}. */
export interface EventStreamOptions {
  /** How often a comment line goes out while nothing else does. */
  heartbeatMs: number
  /** Ends the stream from the server's side (shutdown, a revoked credential). */
  signal?: AbortSignal
  /** Starts the events; returns what stops them. `fail` ends the stream (the client resumes). */
  open(write: (events: SessionEvent[]) => void, fail: () => void): () => void
  /** Sent first: where a stream that starts "now" is, so a reconnect resumes from there. */
  position?: number
  /** Told once when the stream ends, whichever side ended it. */
  onClose?: () => void
  /**
   * Told when the client fell {@link MAX_UNREAD} messages behind and the stream was ended for
   * it: the place to drop the connection, which would otherwise hold what is queued.
   */
  onOverflow?: () => void
}

/**
 * Messages queued for a client that stopped reading (its socket's buffers full) before its
 * stream is ended, as agentapi ends its own subscribers: without a cap an abandoned stream
 * would queue every event and heartbeat for as long as its connection lived. A client that
 * comes back resumes from its `Last-Event-ID` (the log replays what it missed).
 */
export const MAX_UNREAD = 1024

const encoder = new TextEncoder()
// One event goes to every stream that may see it: encoded once, not once per stream.
const encoded = new WeakMap<SessionEvent, Uint8Array>()

/**
 * One SSE message per event (RFC: the WHATWG HTML event stream format): `id` is the event's
 * position, which a browser's EventSource sends back as `Last-Event-ID` on reconnect, `event`
 * its type, `data` the event as JSON.
 */
export function sseMessage(event: SessionEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

function bytesOf(event: SessionEvent): Uint8Array {
  let bytes = encoded.get(event)
  if (!bytes) {
    bytes = encoder.encode(sseMessage(event))
    encoded.set(event, bytes)
  }
  return bytes
}

/**
 * A `text/event-stream` body: a retry hint, the starting position (an `id:` line with no data
 * sets EventSource's last event id without dispatching anything), then events as they come and
 * a heartbeat comment whenever the stream was quiet, so proxies and clients can tell an idle
 * stream from a dead one.
 */
export function eventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  let stop = () => {}
  let heartbeat: NodeJS.Timeout | undefined
  let quiet = true
  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    stop()
    clearInterval(heartbeat)
    options.signal?.removeEventListener('abort', abort)
    options.onClose?.()
  }
  let abort = () => {}
  return new ReadableStream<Uint8Array>({
    start(controller) {
      abort = () => {
        end()
        try {
          controller.close()
        } catch {}
      }
      const push = (chunk: string | Uint8Array) => {
        if (ended) return
        try {
          controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
        } catch {
          return end() // already closed
        }
        // The default strategy counts chunks: its high-water mark is 1, so this is the queue.
        if (1 - (controller.desiredSize ?? 0) <= MAX_UNREAD) return
        abort()
        options.onOverflow?.()
      }
      options.signal?.addEventListener('abort', abort)
      const start = options.position === undefined ? '' : `id: ${options.position}\n`
      push(`retry: 2000\n${start}: connected\n\n`)
      stop = options.open((events) => {
        quiet = false
        for (const event of events) push(bytesOf(event))
      }, abort)
      if (ended) stop()
      heartbeat = setInterval(() => {
        if (quiet) push(': heartbeat\n\n')
        quiet = true
      }, options.heartbeatMs)
    },
    cancel() {
      end()
    },
  })
}
