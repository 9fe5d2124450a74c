import { createRoute } from '@hono/zod-openapi'
import { AuditPageSchema, AuditQuerySchema } from '../audit.ts'
import { authenticated, json, problems } from './responses.ts'

export const listAudit = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['Audit'],
  summary: 'Read the audit log',
  description:
    'Who started, deleted, shared or unshared a session, created or revoked an API key, signed ' +
    'in or out — newest first, one page at a time (admins only). Filters are ANDed; `since` is ' +
    'inclusive, `until` exclusive. Follow `next_cursor` until it is null.',
  security: authenticated,
  request: { query: AuditQuerySchema },
  responses: { 200: json(AuditPageSchema, 'One page of entries'), ...problems(401, 403, 422) },
})
