import type { Health, Readiness } from '@agentapi-proxy/shared'
import { ApiError } from './api-error.ts'
import type { Transport } from './transport.ts'

/**
 * `GET /health` and `GET /ready`.
 *
 * @example
 * const { status } = await client.ready() // 'ready' | 'unavailable'
 */
export interface HealthApi {
  /**
   * Liveness: resolves `{ status: 'ok' }` while the process runs.
   *
   * @example
   * await client.health()
   */
  health(): Promise<Health>
  /**
   * Readiness. A 503 that carries a readiness body is an answer, not a failure: it resolves
   * with `status: 'unavailable'` and the failing checks. Never retried.
   *
   * @example
   * const { status, checks } = await client.ready()
   * if (status !== 'ready') console.error(checks)
   */
  ready(): Promise<Readiness>
}

/**
 * The health methods over a transport.
 *
 * @example
 * const api = healthApi(transport)
 */
export function healthApi(transport: Transport): HealthApi {
  return {
    health: () => transport.json<Health>('GET', 'health'),
    ready: async () => {
      const response = await transport.send('GET', 'ready', {
        retry: 0,
        throwHttpErrors: (status) => status !== 503,
        headers: { accept: 'application/json' },
      })
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as Readiness | undefined
      if (response.ok || body?.status === 'unavailable') return body as Readiness
      throw await ApiError.fromResponse(response, 'GET', '/ready')
    },
  }
}
