import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Forwarder } from './forward.ts'

/** A `node:http` request listener, such as Hono's `getRequestListener(app.fetch)`. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown

/** What {@link createRequestListener} routes between. */
export interface RequestListenerOptions {
  forwarder: Pick<Forwarder, 'handle'>
  /** Everything that is not a session path: the API. */
  api: RequestListener
}

// `/` + a UUID in its canonical 8-4-4-4-12 form, then the end, `/` or `?`. Session ids come from
// crypto.randomUUID(); upper case is let through so a mistyped id reads "session not found".
const UUID = /^\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:[/?]|$)/i
const PREFIX_LENGTH = 37

/**
 * One listener for the whole server: paths whose first segment is a session id go straight to
 * the forwarder, without Hono on the hot path; every other path goes to the API, so the API's
 * own paths (`/start`, `/sessions/…`, `/health`) always win.
 *
 * @example
 * const api = getRequestListener(app.fetch)
 * createServer(createRequestListener({ forwarder, api })).listen(8080)
 */
export function createRequestListener(options: RequestListenerOptions): RequestListener {
  const { forwarder, api } = options
  return (req, res) => {
    const url = req.url ?? '/'
    const session = sessionPath(url)
    if (session === undefined) {
      const handled = api(req, res)
      // A rejection here would be unhandled, and an unhandled rejection ends the process.
      if (handled instanceof Promise) handled.catch(() => abandon(res))
      return
    }
    forwarder.handle(req, res, session.id, session.rest)
  }
}

function abandon(res: ServerResponse): void {
  if (res.headersSent) res.destroy()
  else res.writeHead(500, { 'content-length': '0' }).end()
}

/**
 * Splits `/<uuid><rest>` into the id and the agent path (with the query); `undefined` for any
 * other path. A bare `/<uuid>` addresses the agent's `/`.
 *
 * @example
 * sessionPath('/0b3c…-…/events?x=1') // { id: '0b3c…-…', rest: '/events?x=1' }
 */
export function sessionPath(url: string): { id: string; rest: string } | undefined {
  // The length test first: the API's short paths never reach the regular expression.
  if (url.length < PREFIX_LENGTH || !UUID.test(url)) return undefined
  const id = url.slice(1, PREFIX_LENGTH)
  const tail = url.slice(PREFIX_LENGTH)
  if (tail === '') return { id, rest: '/' }
  return { id, rest: tail.charCodeAt(0) === 63 /* ? */ ? `/${tail}` : tail }
}
