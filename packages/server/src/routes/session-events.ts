import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { eventStream } from '../http/event-stream.ts'
import { incomingOf } from '../http/incoming.ts'
import { requirePermission } from '../http/principal.ts'
import type { StreamRegistry } from '../proxy/stream-registry.ts'
import type { SessionEventHub } from '../sessions/event-hub.ts'

/** How the event routes behave (config `events`). */
export interface SessionEventSettings {
  heartbeatMs: number
  /** Ends every open stream (the server is shutting down). */
  signal?: AbortSignal
  /** Where open streams are cut when their credential is revoked or expires. */
  streams?: StreamRegistry
  /** Counts open streams for `/metrics`: returns what to call when one closes. */
  streamOpened?: (kind: 'session_events') => () => void
}

// The registry files streams by session; these belong to none (and no UUID looks like it).
const EVENT_STREAMS = 'sessions/events'

/**
 * `GET /sessions/events` (SSE) and `GET /sessions/events/wait` (long poll). Registered before
 * `/sessions/{sessionId}`, which would otherwise take `events` for a (malformed) session id.
 */
export function registerSessionEventRoutes(
  app: OpenAPIHono,
  hub: SessionEventHub,
  settings: SessionEventSettings,
) {
  app.openapi(routes.sessionEvents, async (c) => {
    const principal = await requirePermission(c, 'session:list')
    const header = c.req.valid('header')['last-event-id']
    const after = header === undefined ? undefined : Number(header)
    const cut = new AbortController()
    const release = settings.streams?.register({
      sessionId: EVENT_STREAMS,
      credential: principal.credential,
      cut: () => cut.abort(),
    })
    const closed = settings.streamOpened?.('session_events')
    const onClose = () => {
      release?.()
      closed?.()
    }
    const body = eventStream({
      heartbeatMs: settings.heartbeatMs,
      signal: anyOf(c.req.raw.signal, settings.signal, cut.signal),
      ...(after === undefined ? { position: hub.latest } : {}),
      open: (write, fail) => hub.subscribe(principal, after, write, fail),
      onClose,
      // The queued messages go with the connection, instead of waiting for a client that
      // may never read them.
      onOverflow: () => incomingOf(c)?.socket.destroy(),
    })
    return c.body(body, 200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx buffers responses unless told not to; an event would wait for the buffer.
      'X-Accel-Buffering': 'no',
    }) as never
  })
  app.openapi(routes.waitForSessionEvents, async (c) => {
    const principal = await requirePermission(c, 'session:list')
    const { after, timeout } = c.req.valid('query')
    const signal = anyOf(c.req.raw.signal, settings.signal)
    return c.json(await hub.wait(principal, after, timeout * 1000, signal), 200)
  })
}

function anyOf(...signals: Array<AbortSignal | undefined>): AbortSignal {
  return AbortSignal.any(signals.filter((signal) => signal !== undefined))
}
