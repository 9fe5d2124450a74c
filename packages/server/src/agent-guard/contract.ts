import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'

/**
 * The contract between the proxy and whatever listens on a session's agent port (the echo
 * agent, or the agent guard in front of a real agentapi, which has no auth of its own): it
 * binds `AGENTAPI_PROXY_AGENT_HOST` and answers only requests that carry the session's secret
 * in `X-Agentapi-Proxy-Secret`. Any local process can find the port (ports are sequential and
 * `/search` shows them); only the proxy knows the secret.
 */

/** The request header the proxy puts the session's agent secret in. */
export const AGENT_SECRET_HEADER = 'x-agentapi-proxy-secret'

/** The variable the agent reads its secret from; unset means no check, like agentapi. */
export const AGENT_SECRET_ENV = 'AGENTAPI_PROXY_AGENT_SECRET'

/** The variable the agent reads the address to listen on from; unset means every interface. */
export const AGENT_HOST_ENV = 'AGENTAPI_PROXY_AGENT_HOST'

/**
 * A fresh per-session secret: 32 random bytes, base64url.
 *
 * @example
 * newAgentSecret() // 'q3J0…' (43 characters)
 */
export function newAgentSecret(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * Whether the request carries `expected` in {@link AGENT_SECRET_HEADER}. Both sides are hashed
 * first so the comparison takes the same time whatever the length of what was sent.
 */
export function hasAgentSecret(headers: IncomingHttpHeaders, expected: string): boolean {
  const given = headers[AGENT_SECRET_HEADER]
  if (typeof given !== 'string') return false
  return timingSafeEqual(digest(given), digest(expected))
}

/** Answers a request without the secret: 401 problem+json that tells nothing about the agent. */
export function refuseWithoutSecret(res: ServerResponse): void {
  const body = JSON.stringify({
    title: 'Unauthorized',
    status: 401,
    detail: 'This agent answers only the agentapi-proxy that started it',
  })
  res.writeHead(401, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  })
  res.end(body)
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
