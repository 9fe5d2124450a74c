import { createRoute } from '@hono/zod-openapi'
import {
  DeleteSessionResponseSchema,
  LogsQuerySchema,
  SearchQuerySchema,
  SearchResponseSchema,
  SessionLogsSchema,
  SessionParamsSchema,
  SessionSchema,
  StartSessionRequestSchema,
} from '../sessions.ts'
import { authenticated, json, jsonBody, problems } from './responses.ts'

export const startSession = createRoute({
  method: 'post',
  path: '/start',
  tags: ['Sessions'],
  summary: 'Start a session',
  description: 'Start a session (permission session:create)',
  security: authenticated,
  request: { body: jsonBody(StartSessionRequestSchema) },
  responses: {
    201: json(SessionSchema, 'The session, usually still `starting`'),
    ...problems(400, 401, 403, 422, 429, 503),
  },
})

export const searchSessions = createRoute({
  method: 'get',
  path: '/search',
  tags: ['Sessions'],
  summary: 'Find sessions',
  description:
    'Find sessions, newest first (permission session:list). ' +
    'Filters are ANDed. Add `tag.<key>=<value>` query parameters to filter on tags. ' +
    'Non-admins only ever see their own sessions.',
  security: authenticated,
  request: { query: SearchQuerySchema },
  responses: {
    200: json(SearchResponseSchema, 'One page of sessions'),
    ...problems(401, 403, 422),
  },
})

export const getSession = createRoute({
  method: 'get',
  path: '/sessions/{sessionId}',
  tags: ['Sessions'],
  summary: 'Get a session',
  description: 'One session (permission session:list; owner or admin)',
  security: authenticated,
  request: { params: SessionParamsSchema },
  responses: { 200: json(SessionSchema, 'The session'), ...problems(401, 403, 404, 422) },
})

export const getSessionLogs = createRoute({
  method: 'get',
  path: '/sessions/{sessionId}/logs',
  tags: ['Sessions'],
  summary: 'Agent logs',
  description: "Tail of the agent's output (permission session:access; owner or admin)",
  security: authenticated,
  request: { params: SessionParamsSchema, query: LogsQuerySchema },
  responses: { 200: json(SessionLogsSchema, 'Log lines'), ...problems(401, 403, 404, 422) },
})

export const deleteSession = createRoute({
  method: 'delete',
  path: '/sessions/{sessionId}',
  tags: ['Sessions'],
  summary: 'Stop a session',
  description: 'Stop and remove a session (permission session:delete; owner or admin)',
  security: authenticated,
  request: { params: SessionParamsSchema },
  responses: {
    200: json(DeleteSessionResponseSchema, 'Stopped'),
    ...problems(401, 403, 404, 422),
  },
})
