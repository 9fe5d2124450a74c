import { createRoute } from '@hono/zod-openapi'
import { AuthStatusResponseSchema, AuthTypesResponseSchema } from '../auth.ts'
import { authenticated, json, problems } from './responses.ts'

export const authTypes = createRoute({
  method: 'get',
  path: '/auth/types',
  tags: ['Auth'],
  summary: 'Auth methods',
  description: 'Which authentication methods are on (public)',
  responses: { 200: json(AuthTypesResponseSchema, 'Enabled methods') },
})

export const authStatus = createRoute({
  method: 'get',
  path: '/auth/status',
  tags: ['Auth'],
  summary: 'Who am I',
  description: 'Who the caller is: user, role and permissions',
  security: authenticated,
  responses: { 200: json(AuthStatusResponseSchema, 'The caller'), ...problems(401) },
})
