import type { ServerResponse } from 'node:http'
import { PROBLEM_CONTENT_TYPE } from '@agentapi-proxy/shared'
import type { AppError } from '../errors.ts'
import { bodyUnread } from '../http/unread-body.ts'

/** Who the problem is about: the request id and path shown in the body. */
export interface ProblemContext {
  requestId: string
  /** The request path without its query (a query may carry secrets). */
  instance: string
  /** More headers for the response, flat (`[name, value, …]`), such as CORS. */
  headers?: string[]
}

/**
 * Answers with an {@link AppError} as `application/problem+json`, the same body the API's
 * `onError` renders. When the response has already begun there is no way to say anything any
 * more, so the connection is cut instead: the caller then sees a truncated response, never a
 * complete-looking one. A request whose body has not all arrived is answered with
 * `Connection: close`, so the rest of it is never read.
 */
export function sendProblem(res: ServerResponse, error: AppError, context: ProblemContext): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = JSON.stringify(
    error.toProblem({ instance: context.instance, requestId: context.requestId }),
  )
  const headers = [
    'content-type',
    PROBLEM_CONTENT_TYPE,
    'content-length',
    String(Buffer.byteLength(body)),
    'cache-control',
    'no-store',
    'x-request-id',
    context.requestId,
  ]
  if (context.headers) headers.push(...context.headers)
  for (const name in error.headers) headers.push(name, error.headers[name] as string)
  // node:http then closes the connection once the answer is flushed (see bodyUnread).
  if (bodyUnread(res.req)) headers.push('connection', 'close')
  res.writeHead(error.status, headers)
  res.end(body)
}
