import type { IncomingMessage } from 'node:http'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyUnread } from './unread-body.ts'

/**
 * The `node:http` request behind a Hono context (@hono/node-server passes it as
 * `env.incoming`); `undefined` under `app.request()`.
 */
export function incomingOf(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
}

/** Whether the caller disconnected before its whole request had arrived. */
export function clientGone(c: Context): boolean {
  const incoming = incomingOf(c)
  return incoming?.destroyed === true && !incoming.complete
}

/**
 * Refusals of a request whose body has not all arrived say `Connection: close`, and node:http
 * then closes the connection after the answer instead of reading the rest (see bodyUnread).
 */
export function closeUnreadBody(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const incoming = incomingOf(c)
    if (c.res.status >= 400 && incoming && bodyUnread(incoming)) {
      c.res.headers.set('Connection', 'close')
    }
  }
}
