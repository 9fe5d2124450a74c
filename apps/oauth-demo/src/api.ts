import { type Client, createClient } from '@agentapi-proxy/client'

/**
 * The proxy, on this page's own origin: the dev server forwards `/api/*` to it (demo/stack.ts),
 * so the browser needs no CORS and the session event streams stay same-origin.
 */
export const API_BASE = new URL('/api/', location.origin)

/** A client of the proxy, signed in with the proxy's own bearer token when one is given. */
export function proxyClient(token?: string): Client {
  return createClient({ baseUrl: API_BASE, ...(token ? { token } : {}) })
}
