import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'

/** A named dependency check for `/ready`: resolves when the dependency answers. */
export type ReadinessCheck = () => Promise<unknown>

/** `/health` always answers while the process runs; `/ready` only when every check passes. */
export function registerHealthRoutes(app: OpenAPIHono, checks: Record<string, ReadinessCheck>) {
  app.openapi(routes.health, (c) => c.json({ status: 'ok' as const }, 200))
  app.openapi(routes.ready, async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const ok = await check().then(
          () => true,
          () => false,
        )
        return [name, ok ? ('ok' as const) : ('error' as const)] as const
      }),
    )
    const ready = results.every(([, state]) => state === 'ok')
    const body = {
      status: ready ? ('ready' as const) : ('unavailable' as const),
      checks: Object.fromEntries(results),
    }
    return ready ? c.json(body, 200) : c.json(body, 503)
  })
}
