import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import { recordAudit } from '../http/audit.ts'
import { requirePermission } from '../http/principal.ts'
import type { SessionService } from '../sessions/service.ts'

/** `/start`, `/search` and `/sessions/:id[/logs]`: validate, authorize, call the service. */
export function registerSessionRoutes(app: OpenAPIHono, sessions: SessionService) {
  app.openapi(routes.startSession, async (c) => {
    const principal = await requirePermission(c, 'session:create')
    // A POST with no body at all starts a session with every default.
    const body = c.req.valid('json') ?? {}
    const session = await sessions.start(principal, body)
    await recordAudit(c, 'session.start', principal, session.session_id)
    return c.json(session, 201)
  })
  app.openapi(routes.searchSessions, async (c) => {
    const principal = await requirePermission(c, 'session:list')
    return c.json(await sessions.search(principal, c.req.valid('query')), 200)
  })
  app.openapi(routes.getSession, async (c) => {
    const principal = await requirePermission(c, 'session:list')
    return c.json(await sessions.get(principal, c.req.valid('param').sessionId), 200)
  })
  app.openapi(routes.getSessionLogs, async (c) => {
    const principal = await requirePermission(c, 'session:access')
    const { sessionId } = c.req.valid('param')
    return c.json(await sessions.logs(principal, sessionId, c.req.valid('query').tail), 200)
  })
  app.openapi(routes.deleteSession, async (c) => {
    const principal = await requirePermission(c, 'session:delete')
    const { sessionId } = c.req.valid('param')
    const deleted = await sessions.delete(principal, sessionId)
    await recordAudit(c, 'session.delete', principal, sessionId)
    return c.json(deleted, 200)
  })
}
