import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLog } from '../audit/audit-log.ts'
import { callerOf } from '../http/principal.ts'

/** `GET /audit`: the audit log, for admins. */
export function registerAuditRoutes(app: OpenAPIHono, audit: AuditLog) {
  app.openapi(routes.listAudit, async (c) =>
    c.json(await audit.list(await callerOf(c), c.req.valid('query')), 200),
  )
}
