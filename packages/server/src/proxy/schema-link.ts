import type { IncomingHttpHeaders } from 'node:http'

/**
 * agentapi (huma) starts every JSON object body with `{"$schema":"http://<Host>/schemas/X.json"`,
 * built from the Host it received, and adds `Link: </schemas/X.json>; rel="describedBy"`. The
 * proxy sends it a Host of its own choosing (headers.ts), so both would name the agent's internal
 * address, or the proxy's root. These rewrite them to the session's public path,
 * `<public origin>/<session id>/schemas/X.json`, where agentapi serves the schemas too.
 */

/** The bytes a body starts with when it names the agent, and what to put in their place. */
export interface SchemaPrefix {
  /** `{"$schema":"http://127.0.0.1:9003/`, as agentapi writes it for the Host it was sent. */
  from: Buffer
  /** `{"$schema":"http://proxy.example:8080/<session id>/`. */
  to: Buffer
}

/**
 * The first-key prefix of agentapi's bodies for `agentHost` (the Host the proxy sent it), and
 * the session's public one under `origin` ({@link publicOrigin}).
 *
 * @example
 * schemaPrefix('http://proxy:8080', SESSION, '127.0.0.1:9003')
 * // { from: '{"$schema":"http://127.0.0.1:9003/', to: '{"$schema":"http://proxy:8080/<id>/' }
 */
export function schemaPrefix(origin: string, sessionId: string, agentHost: string): SchemaPrefix {
  return {
    from: Buffer.from(`{"$schema":${JSON.stringify(`${agentOrigin(agentHost)}/`)}`.slice(0, -1)),
    to: Buffer.from(`{"$schema":${JSON.stringify(`${origin}/${sessionId}/`)}`.slice(0, -1)),
  }
}

/**
 * The scheme and Host the caller used: https when it reached this server over `tls`, or when
 * `trustProxy` (`server.trust_proxy`) and the proxy in front says so in `X-Forwarded-Proto` (its
 * last entry, the one that proxy wrote); http otherwise. Null without a Host header.
 *
 * @example
 * publicOrigin({ host: 'a.example', 'x-forwarded-proto': 'https' }, false, true) // 'https://a.example'
 */
export function publicOrigin(
  headers: IncomingHttpHeaders,
  tls: boolean,
  trustProxy: boolean,
): string | null {
  const { host } = headers
  if (!host) return null
  const https = tls || (trustProxy && forwardedHttps(headers))
  return `${https ? 'https' : 'http'}://${host}`
}

function forwardedHttps(headers: IncomingHttpHeaders): boolean {
  const value = headers['x-forwarded-proto']
  if (value === undefined) return false
  const text = Array.isArray(value) ? value.join(',') : value
  return (
    text
      .slice(text.lastIndexOf(',') + 1)
      .trim()
      .toLowerCase() === 'https'
  )
}

// huma's scheme rule: http only for a Host that starts with localhost or 127.0.0.1.
function agentOrigin(host: string): string {
  const local = host.startsWith('localhost') || host.startsWith('127.0.0.1')
  return `${local ? 'http' : 'https'}://${host}`
}

/**
 * A `Link` value with agentapi's `</schemas/…>` moved under `/<sessionId>/`; any other value
 * unchanged.
 *
 * @example
 * schemaLink('</schemas/ErrorModel.json>; rel="describedBy"', 'abc')
 * // '</abc/schemas/ErrorModel.json>; rel="describedBy"'
 */
export function schemaLink(value: string, sessionId: string): string {
  return value.startsWith('</schemas/') ? `</${sessionId}${value.slice(1)}` : value
}

/** Rewrites, in place, every `Link` of a flat `[name, value, …]` header list with {@link schemaLink}. */
export function relinkSchemas(headers: string[], sessionId: string): void {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'link') headers[i + 1] = schemaLink(headers[i + 1] ?? '', sessionId)
  }
}

/** The flat header list with its `content-length` changed by `delta` bytes, in place. */
export function withLengthDelta(headers: string[], delta: number): string[] {
  if (delta === 0) return headers
  const at = headers.indexOf('content-length')
  if (at !== -1) headers[at + 1] = String(Number(headers[at + 1]) + delta)
  return headers
}

/** Whether a response's content type is one agentapi writes `$schema` into. */
export function isJson(contentType: string | string[] | undefined): boolean {
  if (typeof contentType !== 'string') return false
  return (
    contentType.startsWith('application/json') || contentType.startsWith('application/problem+json')
  )
}

/**
 * Rewrites the start of one body: hand its chunks to {@link take} in order until one call
 * returns the first bytes to send; a start shorter than the prefix is held until it can tell.
 */
export class FirstChunk {
  #prefix: SchemaPrefix
  #held: Buffer | null = null
  /** How much longer the body became (negative: shorter); known once {@link take} returned. */
  delta = 0

  constructor(prefix: SchemaPrefix) {
    this.#prefix = prefix
  }

  /** The bytes to send for `chunk`, or null while it cannot tell yet (they are held). */
  take(chunk: Buffer): Buffer | null {
    const data = this.#held ? Buffer.concat([this.#held, chunk]) : chunk
    const { from, to } = this.#prefix
    const seen = Math.min(data.length, from.length)
    const matches = data.compare(from, 0, seen, 0, seen) === 0
    if (matches && seen < from.length) {
      this.#held = data
      return null
    }
    this.#held = null
    if (!matches) return data
    this.delta = to.length - from.length
    return Buffer.concat([to, data.subarray(from.length)])
  }

  /** What is still held at the body's end (a body shorter than the prefix), sent as it was. */
  rest(): Buffer | null {
    return this.#held
  }
}
