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
import { problemExample as example, EXAMPLE_SESSION_ID as ID } from './problem-examples.ts'
import { authenticated, json, jsonBody, problems } from './responses.ts'

const notFound = example('session_not_found', `No session ${ID} is visible to you`)
const badId = example('invalid_request', 'Invalid path: sessionId: Invalid UUID', {
  errors: [{ path: 'sessionId', message: 'Invalid UUID' }],
})

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
    ...problems(
      400,
      401,
      example('forbidden', 'Your role (guest) does not have the session:create permission'),
      example('forbidden', 'Only an admin may start a session for another user'),
      example(
        'invalid_request',
        'Invalid body: environment.LD_PRELOAD: LD_PRELOAD is not an allowed name; a request may set ANTHROPIC_API_KEY, OPENAI_API_KEY, GITHUB_TOKEN, GH_TOKEN (an admin adds more with session.environment.allow)',
        {
          errors: [
            {
              path: 'environment.LD_PRELOAD',
              message:
                'LD_PRELOAD is not an allowed name; a request may set ANTHROPIC_API_KEY, OPENAI_API_KEY, GITHUB_TOKEN, GH_TOKEN (an admin adds more with session.environment.allow)',
            },
          ],
        },
      ),
      example(
        'too_many_sessions',
        'User ada already has 10 sessions, the per-user limit; stop one (DELETE /sessions/{id}) first',
      ),
      example(
        'too_many_sessions',
        'The proxy already runs 100 sessions, its limit; stop one (DELETE /sessions/{id}) or try again later',
      ),
      example('service_unavailable', 'The session store is not answering; try again'),
    ),
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
    ...problems(
      401,
      example('forbidden', 'Your role (guest) does not have the session:list permission'),
      example('invalid_request', 'Invalid query: cursor: not a cursor from next_cursor', {
        errors: [{ path: 'cursor', message: 'not a cursor from next_cursor' }],
      }),
    ),
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
  responses: {
    200: json(SessionSchema, 'The session'),
    ...problems(
      401,
      example('forbidden', 'Your role (guest) does not have the session:list permission'),
      notFound,
      badId,
    ),
  },
})

export const getSessionLogs = createRoute({
  method: 'get',
  path: '/sessions/{sessionId}/logs',
  tags: ['Sessions'],
  summary: 'Agent logs',
  description: "Tail of the agent's output (permission session:access; owner or admin)",
  security: authenticated,
  request: { params: SessionParamsSchema, query: LogsQuerySchema },
  responses: {
    200: json(SessionLogsSchema, 'Log lines'),
    ...problems(
      401,
      example('forbidden', 'Your role (member) does not have the session:access permission'),
      notFound,
      example('invalid_request', 'Invalid query: tail: Too big: expected number to be <=10000', {
        errors: [{ path: 'tail', message: 'Too big: expected number to be <=10000' }],
      }),
    ),
  },
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
    ...problems(
      401,
      example('forbidden', 'Your role (member) does not have the session:delete permission'),
      notFound,
      badId,
      example(
        'service_unavailable',
        'Session 3f1c… is stopped, but the session store has not recorded it yet; its workdir is kept until it has. Send the DELETE again',
      ),
    ),
  },
})
