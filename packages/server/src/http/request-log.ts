import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../logger.ts'
import { clientGone } from './incoming.ts'

// Probes and scrapes, every few seconds from machines: at debug, or they drown the rest.
const QUIET: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics'])

/**
 * One structured line per request: id, method, path (never the query: it may carry an OAuth
 * code), status and duration. Health probes and metric scrapes log at debug so they do not
 * drown the rest; a request the caller abandoned mid-body says so.
 */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const line = {
      req_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    }
    const quiet = QUIET.has(c.req.path)
    if (clientGone(c)) logger.info(line, 'request aborted by the client')
    else if (quiet) logger.debug(line, 'request')
    else logger.info(line, 'request')
  }
}
