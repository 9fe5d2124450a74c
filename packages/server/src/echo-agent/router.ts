import type { IncomingMessage, ServerResponse } from 'node:http'
import { writeProblem } from './problems.ts'

/**
 * chi's routing as agentapi uses it: exact paths, an unknown path (even with
 * a trailing slash) gets `404 page not found`, a known path with another method gets 405 with
 * `Allow` and an empty body. HEAD is not routed to GET.
 */

/** A request handler; a thrown error becomes a problem+json response. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** A path's handlers by method, or one handler for every method (chi's `Handle`). */
export type Route = { methods: Readonly<Record<string, Handler>> } | { any: Handler }

/** Routes by exact path; a key ending in `/*` also matches everything below it. */
export type Routes = ReadonlyMap<string, Route>

/** Finds and runs the handler for `req`. */
export async function dispatch(
  routes: Routes,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const route = find(routes, requestPath(req.url ?? '/'))
  if (route === undefined) return plainError(res, 404, '404 page not found')
  const handler = 'any' in route ? route.any : route.methods[req.method ?? '']
  if (handler === undefined)
    return methodNotAllowed(res, Object.keys('methods' in route ? route.methods : {}))
  try {
    await handler(req, res)
  } catch (error) {
    if (!res.headersSent) writeProblem(req, res, error)
    else res.end()
  }
}

function find(routes: Routes, path: string): Route | undefined {
  const exact = routes.get(path)
  if (exact !== undefined) return exact
  for (const [pattern, route] of routes) {
    if (pattern.endsWith('/*') && path.startsWith(pattern.slice(0, -1))) return route
  }
  return undefined
}

/**
 * The path of a request target, absolute-form (`http://host/path`) included. Not unescaped: chi
 * matches the raw path whenever it differs from the canonical escaping, so `/st%61tus` is a 404.
 */
function requestPath(target: string): string {
  if (target.startsWith('/')) return target.split('?', 1)[0] ?? ''
  try {
    return new URL(target).pathname
  } catch {
    return target
  }
}

/** Go's `http.Error`: text/plain, nosniff, and a trailing newline. */
export function plainError(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(body)
}

function methodNotAllowed(res: ServerResponse, allowed: string[]): void {
  // chi adds one Allow header per method.
  res.writeHead(405, { Allow: allowed, 'Content-Length': 0 })
  res.end()
}
