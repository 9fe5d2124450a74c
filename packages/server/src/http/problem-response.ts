import { PROBLEM_CONTENT_TYPE } from '@agentapi-proxy/shared'
import { routes } from '@agentapi-proxy/shared/routes'
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AppError, codeForStatus } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { clientGone } from './incoming.ts'

/** Renders an {@link AppError} as problem+json for this request. */
export function problemResponse(c: Context, error: AppError): Response {
  const body = error.toProblem({ instance: c.req.path, requestId: c.get('requestId') })
  // c.body (not new Response) keeps headers set earlier, such as X-Request-Id.
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    ...error.headers,
  })
}

/**
 * The one `onError`: AppErrors as they are, framework HTTP errors by their status, anything
 * else as `internal` — logged once with its stack, never shown to the caller. A caller that
 * disconnected mid-body is no error of ours: it is left to the request log's one line.
 */
export function onError(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof AppError) return problemResponse(c, error)
    if (error instanceof HTTPException && error.status < 500) {
      const detail =
        error.status === 415
          ? 'Send the body as JSON (Content-Type: application/json)'
          : error.message
      return problemResponse(c, new AppError(codeForStatus(error.status), detail))
    }
    // Reading the body failed because the caller hung up: routine, and the request log says it.
    if (clientGone(c)) {
      return problemResponse(c, new AppError('bad_request', 'The client disconnected mid-request'))
    }
    logger.error({ err: error, req_id: c.get('requestId'), path: c.req.path }, 'unhandled error')
    return problemResponse(
      c,
      new AppError('internal', 'Something went wrong; the request id is in the logs'),
    )
  }
}

// Every documented route's path as a pattern, with the methods it takes: what a 405 says.
const ROUTE_METHODS = Object.values(routes).map((route) => ({
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
  method: route.method.toUpperCase(),
}))

/**
 * A path no route claims is a 404; a known path asked with another method is a 405 with the
 * `Allow` header (RFC 9110), so `PUT /start` says "POST" rather than "no such thing".
 */
export const notFound: NotFoundHandler = (c) => {
  const allowed = ROUTE_METHODS.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method)
  if (allowed.length === 0) {
    return problemResponse(
      c,
      new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`),
    )
  }
  const allow = [...new Set(allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed)].join(', ')
  return problemResponse(
    c,
    new AppError('method_not_allowed', `${c.req.path} takes ${allow}, not ${c.req.method}`, {
      headers: { Allow: allow },
    }),
  )
}
