import type { IncomingMessage } from 'node:http'

/**
 * RFC 9112 §6.3: a request has a body only when it says so, with Content-Length or
 * Transfer-Encoding.
 *
 * @example
 * hasBody(req) // false for a GET without Content-Length
 */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  if (length !== undefined) return length !== '0'
  return req.headers['transfer-encoding'] !== undefined
}

/**
 * Whether some of the request's body has not arrived. A response that refuses such a request
 * closes the connection (`Connection: close`): keeping it alive would make Node read and discard
 * the rest first, which for a declared 2 GB upload is 2 GB read on behalf of a caller already
 * told no.
 *
 * @example
 * if (bodyUnread(req)) headers.push('connection', 'close')
 */
export function bodyUnread(req: IncomingMessage): boolean {
  return !req.complete && hasBody(req)
}
