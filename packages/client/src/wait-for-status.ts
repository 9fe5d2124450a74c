import type { StatusChange } from '@agentapi-proxy/shared'
import { withDeadline } from './deadline.ts'
import { agentEvents, type ReconnectOptions } from './events.ts'
import type { Transport } from './transport.ts'

/**
 * Options of `waitForStatus()`.
 *
 * @example
 * await client.waitForStatus(id, 'stable', { timeout: 60_000, signal })
 */
export interface WaitForStatusOptions {
  /** Give up after this many ms with a `TimeoutError` DOMException; unset waits for ever. */
  timeout?: number
  /** Aborting it rejects with its reason. */
  signal?: AbortSignal
  /** How the underlying event stream reconnects. */
  reconnect?: ReconnectOptions
}

/**
 * Resolves once the agent reports `status` — at once when it already does, since every
 * event stream opens with the current status. Uses `GET /{sessionId}/events` (no polling).
 * After `sendMessage()` resolves the agent already reports `running`, so waiting for `stable`
 * then waits for the reply to finish.
 *
 * @example
 * await client.sendMessage(id, 'hello')
 * await waitForStatus(transport, id, 'stable', { timeout: 60_000 })
 */
export async function waitForStatus(
  transport: Transport,
  sessionId: string,
  status: StatusChange['status'],
  options: WaitForStatusOptions = {},
): Promise<StatusChange> {
  const deadline = withDeadline(
    options.timeout,
    `Session ${sessionId} was not ${status} within ${options.timeout} ms`,
    options.signal,
  )
  const { signal } = deadline
  try {
    const events = agentEvents(transport, sessionId, {
      signal,
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    })
    for await (const event of events) {
      if (event.type === 'status_change' && event.data.status === status) return event.data
    }
    signal.throwIfAborted()
    throw new Error(`The event stream of session ${sessionId} ended`)
  } finally {
    deadline.done()
  }
}
