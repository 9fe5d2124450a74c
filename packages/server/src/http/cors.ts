import type { IncomingHttpHeaders } from 'node:http'
import type { MiddlewareHandler } from 'hono'
import { CorsPolicy } from '../proxy/cors.ts'

/**
 * The API's CORS: the same allowlist and rules as the proxy path (`cors.allowed_origins`), so a
 * web app on another origin can sign in, list and start sessions, and talk to them.
 */
export function corsMiddleware(allowedOrigins: readonly string[]): MiddlewareHandler {
  const policy = new CorsPolicy(allowedOrigins)
  return async (c, next) => {
    const origin = c.req.header('origin')
    const headers = Object.fromEntries(c.req.raw.headers) as IncomingHttpHeaders
    if (policy.isPreflight(c.req.method, headers)) {
      return new Response(null, {
        status: 204,
        headers: pairs(policy.preflightHeaders(origin, headers)),
      })
    }
    await next()
    const out: string[] = []
    policy.appendResponseHeaders(origin, out)
    for (const [name, value] of pairs(out)) c.res.headers.append(name, value)
  }
}

// CorsPolicy speaks node's flat [name, value, name, value, …] header lists.
function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string])
  return out
}
