import type { RetryOptions } from 'ky'
import { type AgentApi, agentApi } from './agent.ts'
import { type ApiKeysApi, apiKeysApi } from './api-keys.ts'
import { type AuditApi, auditApi } from './audit.ts'
import { type AuthApi, authApi } from './auth.ts'
import { type HealthApi, healthApi } from './health.ts'
import { type SessionsApi, sessionsApi } from './sessions.ts'
import { type SharesApi, sharesApi } from './shares.ts'
import { Transport } from './transport.ts'

/**
 * How to reach a proxy and who to be there.
 *
 * @example
 * const options: ClientOptions = { baseUrl: 'https://agents.example.com', apiKey: 'ap_…' }
 */
export interface ClientOptions {
  /** The proxy's URL; a path prefix (`https://host/agents/`) is kept. */
  baseUrl: string | URL
  /** Sent in the `X-API-Key` header (or `apiKeyHeader`). */
  apiKey?: string
  /** The header that carries `apiKey`, as the server's `auth.static.header_name` says. */
  apiKeyHeader?: string
  /** A bearer token (the proxy's OAuth token, or a GitHub personal token). */
  token?: string
  /** A fetch implementation (tests, proxies, instrumentation); `globalThis.fetch` by default. */
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>
  /** Ms until a response's headers must have arrived (30 000); `false` waits for ever. */
  timeout?: number | false
  /**
   * ky's retry policy: a count or options. By default 2 retries, for idempotent methods only
   * (GET, PUT, HEAD, DELETE, OPTIONS, TRACE) on 408, 413, 429, 500, 502, 503, 504.
   */
  retry?: number | RetryOptions
  /** Extra headers on every request. */
  headers?: HeadersInit
}

/**
 * Every route of the proxy, and the agent behind each session.
 *
 * @example
 * const client: Client = createClient({ baseUrl })
 */
export type Client = HealthApi &
  SessionsApi &
  AuthApi &
  ApiKeysApi &
  SharesApi &
  AuditApi &
  AgentApi

/**
 * A typed client for an agentapi-proxy server, for Node ≥ 20 and browsers. Every non-2xx
 * answer throws an {@link ApiError} that names the request.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://localhost:8080', apiKey: process.env.API_KEY })
 * const { session_id } = await client.start()
 * await client.waitForStatus(session_id, 'stable', { timeout: 60_000 })
 * const reply = await client.ask(session_id, 'Write a haiku about proxies', { timeout: 120_000 })
 * console.log(reply.content)
 * await client.deleteSession(session_id)
 */
export function createClient(options: ClientOptions): Client {
  const transport = new Transport(options)
  return {
    ...healthApi(transport),
    ...sessionsApi(transport),
    ...authApi(transport),
    ...apiKeysApi(transport),
    ...sharesApi(transport),
    ...auditApi(transport),
    ...agentApi(transport),
  }
}
