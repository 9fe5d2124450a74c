import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { SessionIdSchema } from '../common.ts'
import { authenticated, problems } from './responses.ts'

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

/**
 * `ANY /{sessionId}/{path}`: everything after the session id goes to that session's agentapi
 * (see agentapi's own OpenAPI document for what it serves). Documented once per method.
 */
export const proxyRoutes = METHODS.map((method) =>
  createRoute({
    method,
    path: '/{sessionId}/{path}',
    tags: ['Proxy'],
    summary: `Talk to the agent (${method.toUpperCase()})`,
    description:
      "Forward to the session's agentapi (permission session:access; owner or admin). " +
      '`path` is the rest of the URL and may contain slashes (e.g. `events`, `message`); the ' +
      'query string is kept. SSE streams are flushed event by event.',
    security: authenticated,
    request: {
      params: z.object({
        sessionId: SessionIdSchema.meta({ param: { name: 'sessionId', in: 'path' } }),
        path: z.string().meta({ param: { name: 'path', in: 'path' }, example: 'messages' }),
      }),
    },
    responses: {
      200: { description: "agentapi's response, streamed unchanged" },
      ...problems(401, 403, 404, 410, 502, 503),
    },
  }),
)
