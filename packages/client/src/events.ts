import type { AgentEvent } from '@agentapi-proxy/shared'
import { readEventStream, type ServerSentEvent } from './event-stream.ts'
import { parsed, type ReconnectOptions, reconnecting } from './reconnecting.ts'
import { segment, type Transport } from './transport.ts'

/**
 * Options of `events()`.
 *
 * @example
 * const controller = new AbortController()
 * for await (const event of client.events(id, { signal: controller.signal })) console.log(event)
 */
export interface EventsOptions {
  /** Aborting it ends the iteration (without an error) and closes the stream. */
  signal?: AbortSignal
  /** `false`: a dropped stream ends the iteration and errors are thrown at once. */
  reconnect?: ReconnectOptions | false
  /** Called each time a stream opens; a replay of the current state follows. */
  onOpen?: (reconnected: boolean) => void
  /** Called before each reconnection with why the stream ended and how long it waits. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

/**
 * `GET /{sessionId}/events` over fetch streaming (so an Authorization header can be sent,
 * which `EventSource` cannot), typed, and reconnecting with backoff. agentapi has no event ids:
 * each (re)connection replays the whole current state first, so a `message_update` whose `id`
 * is already known *replaces* that message — upsert by id (or use `conversation()`).
 *
 * @example
 * for await (const event of agentEvents(transport, id, { signal })) {
 *   if (event.type === 'message_update') messages.set(event.data.id, event.data)
 * }
 */
export async function* agentEvents(
  transport: Transport,
  sessionId: string,
  options: EventsOptions = {},
): AsyncGenerator<AgentEvent, void, undefined> {
  const { signal } = options
  const open = async () => {
    const response = await transport.send('GET', `${segment(sessionId)}/events`, {
      headers: { accept: 'text/event-stream' },
      retry: 0,
      ...(signal ? { signal } : {}),
    })
    return parsed(readEventStream(response.body ?? emptyBody()), toAgentEvent)
  }
  yield* reconnecting(open, `The event stream of session ${sessionId} ended`, options)
}

function toAgentEvent({ event, data }: ServerSentEvent): AgentEvent | undefined {
  if (event !== 'message_update' && event !== 'status_change' && event !== 'agent_error') return
  try {
    return { type: event, data: JSON.parse(data) } as AgentEvent
  } catch {
    return undefined // a torn or foreign line must not end the stream
  }
}

/** A body that ends at once, for a response without one. */
export function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() })
}

export type { ReconnectOptions }
