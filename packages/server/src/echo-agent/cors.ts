import type { IncomingMessage, ServerResponse } from 'node:http'
import { isWildcardAllowList } from './allow-list.ts'
import { parseGoUrl } from './go-url.ts'

/**
 * CORS as agentapi configures go-chi/cors (`--allowed-origins`). It never refuses a request: a
 * disallowed origin only misses the CORS headers, and every preflight gets 200.
 */

/** agentapi's default `--allowed-origins`. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [
  'http://localhost:3284',
  'http://localhost:3000',
  'http://localhost:3001',
]

const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']
// go-chi/cors canonicalises header names (X-CSRF-Token becomes X-Csrf-Token) and adds Origin.
const ALLOWED_HEADERS = ['Accept', 'Authorization', 'Content-Type', 'X-CSRF-Token', 'Origin'].map(
  canonical,
)

/**
 * Validates `--allowed-origins` like agentapi and normalises each to `scheme://host`, or returns
 * `['*']`. Throws with agentapi's message.
 */
export function parseAllowedOrigins(input: readonly string[]): string[] {
  if (isWildcardAllowList(input)) return ['*']
  return input.map((item) => {
    const url = parseGoUrl(item.trim())
    if ('error' in url) throw new Error(`'${item}' is not a valid origin: ${url.error}`)
    return `${url.scheme}://${url.host}`
  })
}

/** The CORS middleware, built from the output of {@link parseAllowedOrigins}. */
export class Cors {
  #any: boolean
  #exact: ReadonlySet<string>
  #wildcards: readonly { prefix: string; suffix: string }[]

  constructor(origins: readonly string[]) {
    const lower = origins.map((origin) => origin.toLowerCase())
    this.#any = lower.includes('*')
    this.#exact = new Set(lower.filter((origin) => !origin.includes('*')))
    this.#wildcards = lower
      .filter((origin) => origin.includes('*'))
      .map((origin) => ({
        prefix: origin.slice(0, origin.indexOf('*')),
        suffix: origin.slice(origin.indexOf('*') + 1),
      }))
  }

  /** Sets CORS headers; returns true when the request was a preflight and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const requestMethod = header(req, 'access-control-request-method')
    if (req.method === 'OPTIONS' && requestMethod) {
      this.#preflight(req, res, requestMethod)
      res.writeHead(200, { 'Content-Length': 0 })
      res.end()
      return true
    }
    res.setHeader('Vary', 'Origin')
    const origin = header(req, 'origin')
    if (!origin || !this.#allows(origin) || !ALLOWED_METHODS.includes(req.method ?? ''))
      return false
    res.setHeader('Access-Control-Allow-Origin', this.#any ? '*' : origin)
    res.setHeader('Access-Control-Expose-Headers', 'Link')
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    return false
  }

  #preflight(req: IncomingMessage, res: ServerResponse, requestMethod: string): void {
    res.setHeader('Vary', [
      'Origin',
      'Access-Control-Request-Method',
      'Access-Control-Request-Headers',
    ])
    const origin = header(req, 'origin')
    if (!origin || !this.#allows(origin)) return
    const method = requestMethod.toUpperCase()
    if (!ALLOWED_METHODS.includes(method)) return
    const requested = (header(req, 'access-control-request-headers') ?? '')
      .split(',')
      .map((name) => canonical(name.trim()))
      .filter((name) => name !== '')
    if (!requested.every((name) => ALLOWED_HEADERS.includes(name))) return
    res.setHeader('Access-Control-Allow-Origin', this.#any ? '*' : origin)
    res.setHeader('Access-Control-Allow-Methods', method)
    if (requested.length > 0) res.setHeader('Access-Control-Allow-Headers', requested.join(', '))
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    res.setHeader('Access-Control-Max-Age', '300')
  }

  #allows(origin: string): boolean {
    if (this.#any) return true
    const lower = origin.toLowerCase()
    if (this.#exact.has(lower)) return true
    return this.#wildcards.some(
      ({ prefix, suffix }) =>
        lower.length >= prefix.length + suffix.length &&
        lower.startsWith(prefix) &&
        lower.endsWith(suffix),
    )
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Go's `http.CanonicalHeaderKey`: `content-type` → `Content-Type`. */
function canonical(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())
}
