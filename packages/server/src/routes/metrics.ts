import { timingSafeEqual } from 'node:crypto'
import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Config } from '../config/index.ts'
import { AppError } from '../errors.ts'
import { isLoopback, requestAddress } from '../http/client-address.ts'
import type { Metrics } from '../metrics/metrics.ts'

/**
 * `GET /metrics`, for Prometheus. Not behind the API's auth: a scraper holds the config's
 * `metrics.token`, not a user's key. Without a token only this machine may scrape, judged by
 * the client address (`server.trust_proxy` applies, so a local reverse proxy does not make
 * every caller loopback).
 */
export function registerMetricsRoute(app: OpenAPIHono, metrics: Metrics, config: Readonly<Config>) {
  const { token, enabled } = config.metrics
  app.openapi(routes.metrics, async (c) => {
    if (!enabled)
      throw new AppError('not_found', 'Metrics are off on this server (metrics.enabled)')
    if (token !== undefined) {
      const sent = /^bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
      if (!sent || !sameSecret(sent, token)) {
        throw new AppError(
          'unauthorized',
          'Send the metrics.token as "Authorization: Bearer <token>"',
          {
            headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
          },
        )
      }
    } else if (!isLoopback(requestAddress(c, config.server.trust_proxy))) {
      throw new AppError(
        'forbidden',
        '/metrics answers only loopback callers unless metrics.token is set',
      )
    }
    const text = await metrics.render()
    return c.text(text, 200, { 'Content-Type': metrics.contentType })
  })
}

function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
