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
}

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
      const push = (chunk: string | Uint8Array) => {
        try {
          controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
        } catch {
          end() // already closed
        }
      }
      abort = () => {
        end()
        try {
          controller.close()
        } catch {}
      }
      options.signal?.addEventListener('abort', abort)
      const start = options.position === undefined ? '' : `id: ${options.position}\n`
      push(`retry: 2000\n${start}: connected\n\n`)
      stop = options.open((events) => {
        quiet = false
        for (const event of events) push(bytesOf(event))
      }, abort)
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
