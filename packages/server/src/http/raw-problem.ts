import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { PROBLEM_CONTENT_TYPE } from '@agentapi-proxy/shared'
import type { AppError } from '../errors.ts'

/**
 * A whole HTTP/1.1 response carrying `error` as problem+json, for a socket no `ServerResponse`
 * owns: a request Node could not parse, a CONNECT, a connection refused at a cap.
 *
 * @example
 * socket.end(rawProblem(new AppError('bad_request', 'Not HTTP/1.1')))
 */
export function rawProblem(error: AppError, instance?: string): string {
  const requestId = randomUUID()
  const body = JSON.stringify(error.toProblem({ requestId, ...(instance ? { instance } : {}) }))
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    `X-Request-Id: ${requestId}`,
    'Connection: close',
  ]
  for (const name in error.headers) lines.push(`${name}: ${error.headers[name]}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

/** Answers with {@link rawProblem}, then closes the socket once the answer is flushed. */
export function closeWithProblem(socket: Duplex, error: AppError, instance?: string): void {
  // Without a listener a late write error (the caller reset) would be an uncaught 'error'.
  socket.on('error', () => socket.destroy())
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(rawProblem(error, instance), () => socket.destroy())
}
