import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { closeWithProblem } from './raw-problem.ts'

/** The methods this server answers; a CONNECT is told these. */
const ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'

/**
 * node:http's `clientError` — a request it could not parse, or a connection that timed out — as
 * problem+json instead of Node's bare `400`/`408` without a body. Timeouts are 408
 * (RFC 9110 §15.5.9: the server closes an unused connection), oversized headers 431, anything
 * else 400 naming the parser's complaint.
 *
 * @example
 * server.on('clientError', answerClientError(logger))
 */
export function answerClientError(logger: Logger) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    const code = error.code ?? error.name
    // A response already under way on this connection (a pipelined request after it) cannot be
    // followed by another one; node:http makes the same check on the same internal field.
    const pending = (socket as { _httpMessage?: ServerResponse })._httpMessage
    if (code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
      socket.destroy()
      return
    }
    logger.debug({ code, bytes_read: (socket as { bytesRead?: number }).bytesRead }, 'client error')
    closeWithProblem(socket, problemOf(code, error.message))
  }
}

function problemOf(code: string, message: string): AppError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('request_timeout', 'The request did not arrive in time')
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('headers_too_large', 'The request headers are too large')
    default:
      return new AppError(
        'bad_request',
        `The request is not valid HTTP/1.1 (${code}: ${message.replace(/^Parse Error: /, '')})`,
      )
  }
}

/**
 * `CONNECT`: this is a reverse proxy, not a forward one, so there is no tunnel to open. Without a
 * `connect` listener node:http would close the socket without a word.
 *
 * @example
 * server.on('connect', refuseConnect)
 */
export function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  const error = new AppError(
    'method_not_allowed',
    'CONNECT is not supported: this server is not a forward proxy',
    { headers: { Allow: ALLOW } },
  )
  closeWithProblem(socket, error)
}
