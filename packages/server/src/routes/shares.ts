import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { recordAudit } from '../http/audit.ts'
import { requirePermission } from '../http/principal.ts'
import type { ShareService } from '../shares/service.ts'

/** `/sessions/:id/share[/:shareId]`: validate, authorize, call the share service. */
export function registerShareRoutes(app: OpenAPIHono, shares: ShareService) {
  app.openapi(routes.createShare, async (c) => {
    const principal = await requirePermission(c, 'session:access')
    const { sessionId } = c.req.valid('param')
    // A POST with no body makes a link with the default expiry.
    const body = c.req.valid('json') ?? {}
    const origin = new URL(c.req.url).origin
    const created = await shares.create(principal, sessionId, body, origin)
    await recordAudit(c, 'session.share', principal, sessionId)
    return c.json(created, 201)
  })
  app.openapi(routes.listShares, async (c) => {
    const principal = await requirePermission(c, 'session:access')
    return c.json(await shares.list(principal, c.req.valid('param').sessionId), 200)
  })
  app.openapi(routes.revokeShares, async (c) => {
    const principal = await requirePermission(c, 'session:access')
    const { sessionId } = c.req.valid('param')
    const answer = await shares.revoke(principal, sessionId)
    if (answer.revoked.length > 0) await recordAudit(c, 'session.unshare', principal, sessionId)
    return c.json(answer, 200)
  })
  app.openapi(routes.revokeShare, async (c) => {
    const principal = await requirePermission(c, 'session:access')
    const { sessionId, shareId } = c.req.valid('param')
    const answer = await shares.revoke(principal, sessionId, shareId)
    await recordAudit(c, 'session.unshare', principal, sessionId)
    return c.json(answer, 200)
  })
}
