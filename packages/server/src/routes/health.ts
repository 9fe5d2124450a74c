import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'

/**
 * A named dependency check for `/ready`: resolves when the dependency works; its rejection's
 * message is shown as the reason, so checks reject with messages fit for a public endpoint.
 */
export type ReadinessCheck = () => Promise<unknown>

/** `/health` always answers while the process runs; `/ready` only when every check passes. */
export function registerHealthRoutes(app: OpenAPIHono, checks: Record<string, ReadinessCheck>) {
  app.openapi(routes.health, (c) => c.json({ status: 'ok' as const }, 200))
  app.openapi(routes.ready, async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const reason = await check().then(
          () => null,
          (error: unknown) => (error instanceof Error ? error.message : 'failed'),
        )
        return [name, reason] as const
      }),
    )
    const failed = results.filter((entry): entry is [string, string] => entry[1] !== null)
    const ready = failed.length === 0
    const body = {
      status: ready ? ('ready' as const) : ('unavailable' as const),
      checks: Object.fromEntries(
        results.map(([name, r]) => [name, r === null ? ('ok' as const) : ('error' as const)]),
      ),
      ...(ready ? {} : { reasons: Object.fromEntries(failed) }),
    }
    return ready ? c.json(body, 200) : c.json(body, 503)
  })
}
