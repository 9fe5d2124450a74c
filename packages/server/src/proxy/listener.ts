import type { IncomingMessage, ServerResponse } from 'node:http'
import { AppError } from '../errors.ts'
import type { Forwarder } from './forward.ts'
import { requestIdOf } from './headers.ts'
import { sendProblem } from './problem.ts'

/** A `node:http` request listener, such as Hono's `getRequestListener(app.fetch)`. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown

/** What {@link createRequestListener} routes between. */
export interface RequestListenerOptions {
  forwarder: Pick<Forwarder, 'handle'> & Partial<Pick<Forwarder, 'handleShared'>>
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
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (node:http's own check answers
    // it without a body, so it is turned off in favour of this one); HTTP/1.0 too, as the API
    // builds its URLs from Host.
    if (req.headers.host === undefined) {
      refuse(req, res, 'An HTTP/1.1 request needs a Host header')
      return
    }
    const url = originForm(req)
    if (url === undefined) {
      refuseTarget(req, res)
      return
    }
    const session = sessionPath(url)
    if (session === undefined) {
      // Checked only once a path is no session's: the hot path pays nothing for share links.
      const shared = forwarder.handleShared && sharePath(url)
      if (shared) {
        forwarder.handleShared?.(req, res, shared.token, shared.rest)
        return
      }
      const handled = api(req, res)
      // A rejection here would be unhandled, and an unhandled rejection ends the process.
      if (handled instanceof Promise) handled.catch(() => abandon(res))
      return
    }
    forwarder.handle(req, res, session.id, session.rest)
  }
}

// RFC 9112 §3.2.2: absolute-form (`http://host/path`), which a client sends when it takes this
// server for a forward proxy. The authority is checked for the characters of a host and port;
// userinfo (`user:pw@`) has no place in a request target (RFC 9110 §4.2.4).
const ABSOLUTE = /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?(?=[/?]|$)/i

/**
 * The request target in origin-form (`/path?query`), which is what routing reads. An
 * absolute-form target is routed by its path like origin-form — RFC 9112 §3.2.2 has a server
 * accept it, with its authority replacing Host — so `GET http://host/<id>/status` reaches the
 * session as `GET /<id>/status` does; the path is kept as sent (no dot-segment resolution), so
 * both forms route the same bytes. `undefined` for `*` and for anything else.
 */
function originForm(req: IncomingMessage): string | undefined {
  const url = req.url ?? '/'
  if (url.charCodeAt(0) === 47 /* / */) return url
  const match = ABSOLUTE.exec(url)
  if (!match) return undefined
  const rest = url.slice(match[0].length)
  const origin = rest === '' ? '/' : rest.charCodeAt(0) === 63 /* ? */ ? `/${rest}` : rest
  req.url = origin
  req.headers.host = match[1] + (match[2] ?? '')
  return origin
}

// `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7); any other `*` or target that is
// neither a path nor an http(s) URL is a client error.
function refuseTarget(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'OPTIONS' && req.url === '*') {
    res.writeHead(204, {
      allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      'x-request-id': requestIdOf(req.headers['x-request-id']),
    })
    res.end()
    return
  }
  refuse(
    req,
    res,
    'The request target must be a path (/…) or an http(s) URL; * is only for OPTIONS',
  )
}

function refuse(req: IncomingMessage, res: ServerResponse, detail: string): void {
  const requestId = requestIdOf(req.headers['x-request-id'])
  sendProblem(res, new AppError('bad_request', detail), { requestId, instance: '/' })
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

// Share tokens are `aas_` and base64url; anything else after `/s/` is no token.
const SHARE = /^\/s\/([A-Za-z0-9_-]{1,128})(?=[/?]|$)/

/**
 * Splits `/s/<token><rest>` into the token and the agent path (with the query); `undefined` for
 * any other path. A bare `/s/<token>` addresses the agent's `/`.
 *
 * @example
 * sharePath('/s/aas_x1y2/events') // { token: 'aas_x1y2', rest: '/events' }
 */
export function sharePath(url: string): { token: string; rest: string } | undefined {
  if (url.charCodeAt(1) !== 115 /* s */ || url.charCodeAt(2) !== 47 /* / */) return undefined
  const match = SHARE.exec(url)
  if (!match?.[1]) return undefined
  const tail = url.slice(match[0].length)
  if (tail === '') return { token: match[1], rest: '/' }
  return { token: match[1], rest: tail.charCodeAt(0) === 63 /* ? */ ? `/${tail}` : tail }
}
