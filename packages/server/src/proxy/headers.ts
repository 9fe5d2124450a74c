import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { AGENT_SECRET_HEADER } from '../agent-guard/contract.ts'

/**
 * Header rules at the proxy boundary, in both directions. Both builders return the flat
 * `[name, value, name, value, …]` form that undici's `dispatch` and Node's `writeHead` take
 * without building an intermediate object.
 */

// RFC 9110 §7.6.1: meaningful for one connection only, never forwarded. `proxy-connection` is
// the pre-standard spelling some clients still send.
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

// Replaced or consumed by the proxy rather than passed on. `expect`: Node's server already
// answered any 100-continue, and undici refuses the header. `origin`: the proxy applies CORS
// itself, so agentapi's own CORS (`--allowed-origins`) must not see the browser's origin.
const REQUEST_REPLACED: ReadonlySet<string> = new Set([
  'host',
  'expect',
  'origin',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-request-id',
  // Only the proxy speaks for the session to its agent: a caller's copy is never passed on.
  AGENT_SECRET_HEADER,
])

/** What {@link upstreamRequestHeaders} adds to the caller's headers. */
export interface UpstreamContext {
  /** Host to present to agentapi's Host check, e.g. `127.0.0.1:9003`. */
  host: string
  requestId: string
  /** The peer address of the caller. */
  remoteAddress: string | undefined
  /** `https` when the caller reached this server over TLS. */
  protocol: 'http' | 'https'
  /** The session's agent secret (agent-guard/contract.ts), sent on every request; null: none. */
  agentSecret?: string | null
}

/**
 * The headers to send to a session's agentapi: the caller's, minus hop-by-hop headers, minus
 * the caller's credentials (`dropped`: lower-case names such as `authorization`, the API-key
 * header and `cookie`) and any agent secret it sent, with `Host` rewritten, `X-Forwarded-*` and
 * `X-Request-Id` set, and the session's own agent secret added.
 *
 * @example
 * upstreamRequestHeaders(req.headers, new Set(['authorization']), context)
 */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  dropped: ReadonlySet<string>,
  context: UpstreamContext,
): string[] {
  const named = connectionOptions(headers.connection)
  const out: string[] = []
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || REQUEST_REPLACED.has(name) || dropped.has(name)) continue
    if (named?.has(name)) continue
    const value = headers[name]
    if (value === undefined) continue
    if (typeof value === 'string') out.push(name, value)
    else for (const item of value) out.push(name, item)
  }
  out.push('host', context.host, 'x-request-id', context.requestId)
  if (context.agentSecret) out.push(AGENT_SECRET_HEADER, context.agentSecret)
  out.push('x-forwarded-proto', context.protocol)
  if (headers.host) out.push('x-forwarded-host', headers.host)
  const forwardedFor = forwardedChain(headers['x-forwarded-for'], context.remoteAddress)
  if (forwardedFor) out.push('x-forwarded-for', forwardedFor)
  return out
}

/**
 * The headers of agentapi's response to pass to the caller, appended to `out`: hop-by-hop
 * headers go (Node frames the response itself), and so do `access-control-*` (the proxy's CORS
 * policy is the only one) and `set-cookie` (an agent must not plant cookies on the proxy's
 * origin, where the proxy keeps its own).
 */
export function downstreamResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  out: string[],
): string[] {
  const named = connectionOptions(headers.connection)
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || name === 'set-cookie' || name.startsWith('access-control-')) {
      continue
    }
    if (named?.has(name)) continue
    const value = headers[name]
    if (value === undefined) continue
    if (typeof value === 'string') out.push(name, value)
    else for (const item of value) out.push(name, item)
  }
  return out
}

/**
 * The header names listed in `Connection` (RFC 9110 §7.6.1), which are hop-by-hop too. Most
 * requests send none or just `keep-alive`, so the common case allocates nothing.
 */
export function connectionOptions(
  value: string | string[] | undefined,
): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined
  const text = Array.isArray(value) ? value.join(',') : value
  if (text === 'keep-alive' || text === 'close' || text === '') return undefined
  const names = new Set<string>()
  for (const token of text.split(',')) {
    const name = token.trim().toLowerCase()
    if (name) names.add(name)
  }
  return names
}

// X-Forwarded-For is a chain: earlier proxies' entries are kept and this hop's peer is appended.
function forwardedChain(previous: string | string[] | undefined, peer: string | undefined) {
  const prior = Array.isArray(previous) ? previous.join(', ') : previous
  if (!peer) return prior
  return prior ? `${prior}, ${peer}` : peer
}

// Hono's requestId() accepts the same shape, so one request id means the same on both paths.
const REQUEST_ID = /^[\w\-=]{1,255}$/

/**
 * The caller's `X-Request-Id` when it is a plausible id, otherwise a fresh UUID.
 *
 * @example
 * requestIdOf(req.headers['x-request-id'])
 */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}
