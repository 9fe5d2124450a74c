import type { IncomingHttpHeaders } from 'node:http'

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'
// What a browser script may read besides the CORS-safelisted headers: agentapi's `Link`
// (huma's `rel="describedBy"`), and ours for retries and support requests.
const EXPOSED_HEADERS = 'Link, Retry-After, X-Request-Id'
const MAX_AGE_SECONDS = '600'

/**
 * CORS for proxied session paths, from an allowlist of exact origins (`https://app.example`).
 * A listed origin is echoed with `Access-Control-Allow-Credentials: true`, since browsers send
 * the proxy's cookie or bearer token. `*` admits every other origin, but only without
 * credentials: the wildcard is never combined with `Allow-Credentials` (the Fetch standard
 * forbids it, and echoing any origin with credentials would let every site act as the user).
 * A disallowed origin is still served — only the CORS headers are missing, so the browser keeps
 * the response from the page — as agentapi does.
 */
export class CorsPolicy {
  #origins: ReadonlySet<string>
  #wildcard: boolean
  #varies: boolean

  /** Throws when an entry is neither `*` nor an origin. */
  constructor(allowedOrigins: readonly string[]) {
    this.#wildcard = allowedOrigins.includes('*')
    this.#origins = new Set(allowedOrigins.filter((entry) => entry !== '*').map(normalizeOrigin))
    // With only `*` the answer is the same for every origin; otherwise caches must key on it.
    this.#varies = this.#origins.size > 0
  }

  /** A CORS preflight: `OPTIONS` with `Access-Control-Request-Method` (Fetch standard). */
  isPreflight(method: string | undefined, headers: IncomingHttpHeaders): boolean {
    return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined
  }

  /** The headers of the proxy's own answer to a preflight from `origin`. */
  preflightHeaders(origin: string | undefined, headers: IncomingHttpHeaders): string[] {
    const out: string[] = ['vary', 'Origin, Access-Control-Request-Headers']
    if (!this.#grant(origin, out)) return out
    out.push('access-control-allow-methods', ALLOWED_METHODS)
    const requested = headers['access-control-request-headers']
    // Reflecting the requested names is safe once the origin is trusted, and it lets a page send
    // the API-key header whatever it is configured to be called.
    if (requested) out.push('access-control-allow-headers', requested)
    out.push('access-control-max-age', MAX_AGE_SECONDS)
    return out
  }

  /** Appends the CORS headers of an actual response to `out`; nothing without an `Origin`. */
  appendResponseHeaders(origin: string | undefined, out: string[]): void {
    if (origin === undefined) return
    if (this.#varies) out.push('vary', 'Origin')
    if (this.#grant(origin, out)) out.push('access-control-expose-headers', EXPOSED_HEADERS)
  }

  #grant(origin: string | undefined, out: string[]): boolean {
    if (origin === undefined) return false
    if (this.#origins.has(origin)) {
      out.push('access-control-allow-origin', origin, 'access-control-allow-credentials', 'true')
      return true
    }
    if (!this.#wildcard) return false
    out.push('access-control-allow-origin', '*')
    return true
  }
}

// Browsers send `scheme://host[:port]`, lower-case, default port omitted; so does URL#origin.
function normalizeOrigin(entry: string): string {
  let origin: string
  try {
    origin = new URL(entry).origin
  } catch {
    origin = 'null'
  }
  if (origin === 'null') throw new Error(`CORS: '${entry}' is not an origin like https://host:port`)
  return origin
}
