import { AppError } from '../errors.ts'
import { type Caller, type ExchangeContext, instanceOf, observe } from './caller.ts'
import { sendProblem } from './problem.ts'

/**
 * Answers a CORS preflight on a proxied path (204 with the allowed origin's headers).
 *
 * @example
 * if (context.cors.isPreflight(req.method, req.headers)) answerPreflight(context, caller)
 */
export function answerPreflight(context: ExchangeContext, caller: Caller): void {
  const { req, res, requestId } = caller
  try {
    const out = context.cors.preflightHeaders(req.headers.origin, req.headers)
    out.push('x-request-id', requestId, 'content-length', '0')
    res.writeHead(204, out)
    res.end()
    observe(context, caller)
  } catch (bug) {
    // A request listener must not throw: it would be an uncaught exception.
    context.logger.error({ err: bug, req_id: requestId }, 'proxy error')
    res.destroy()
  }
}

/**
 * Answers an authentication, authorization or lookup failure — or a bug — as problem+json. It
 * runs as a promise handler, where a throw would be an unhandled rejection that ends the
 * process, so it cannot throw.
 *
 * @example
 * admit(directory, principal, id).catch((error) => refuse(context, caller, error))
 */
export function refuse(context: ExchangeContext, caller: Caller, error: unknown): void {
  const { req, res, requestId } = caller
  try {
    if (res.destroyed) return
    const instance = instanceOf(caller)
    let problem: AppError
    if (error instanceof AppError) problem = error
    else {
      // Logged once with its stack; the caller gets only the request id to quote.
      context.logger.error({ err: error, req_id: requestId, path: instance }, 'proxy error')
      problem = new AppError('internal', 'Something went wrong; the request id is in the logs')
    }
    const headers: string[] = []
    context.cors.appendResponseHeaders(req.headers.origin, headers)
    sendProblem(res, problem, { requestId, instance, headers })
    observe(context, caller)
  } catch (bug) {
    context.logger.error({ err: bug, req_id: requestId }, 'proxy error')
    res.destroy()
  }
}
