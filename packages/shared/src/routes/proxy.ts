import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import {
  AgentEventSchema,
  AgentMessagesSchema,
  AgentStatusResponseSchema,
  SendMessageRequestSchema,
  SendMessageResponseSchema,
  UploadResponseSchema,
} from '../agent.ts'
import { SessionIdSchema } from '../common.ts'
import { problemExample as example, EXAMPLE_SESSION_ID as ID } from './problem-examples.ts'
import { authenticated, json, jsonBody, problems } from './responses.ts'

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

const sessionParam = SessionIdSchema.meta({ param: { name: 'sessionId', in: 'path' } })
const params = z.object({ sessionId: sessionParam })
const PROXY_PROBLEMS = problems(
  401,
  example('forbidden', 'Talking to a session needs the session:access permission'),
  example('session_not_found', `No session ${ID} is visible to you`),
  example(
    'session_ended',
    `Session ${ID} has stopped and has no agent any more; start a new session (POST /start)`,
    { session_status: 'stopped', session_error: null },
  ),
  example(
    'session_ended',
    `The agent exited by itself with code 7: session ${ID} has no agent any more; GET /sessions/${ID} shows its last output`,
    { session_status: 'failed', session_error: 'The agent exited by itself with code 7' },
  ),
  example(
    'agent_unavailable',
    `The agent of session ${ID} is not reachable; it may have exited. GET /sessions/${ID} shows its state (ECONNREFUSED)`,
  ),
  example('session_not_ready', `Session ${ID} is starting; try again shortly`),
)
const ACCESS =
  'Permission session:access; the owner or an admin. Forwarded to the session’s agentapi.'

/** agentapi's own routes, as they answer through the proxy at `/{sessionId}/…`. */
const agentRoutes = [
  createRoute({
    method: 'get',
    path: '/{sessionId}/status',
    tags: ['Agent'],
    summary: "The agent's status",
    description: `\`running\` while it works, \`stable\` when it waits for input. ${ACCESS}`,
    security: authenticated,
    request: { params },
    responses: { 200: json(AgentStatusResponseSchema, 'The status'), ...PROXY_PROBLEMS },
  }),
  createRoute({
    method: 'get',
    path: '/{sessionId}/messages',
    tags: ['Agent'],
    summary: 'The conversation',
    description: `Every message so far, in id order. ${ACCESS}`,
    security: authenticated,
    request: { params },
    responses: { 200: json(AgentMessagesSchema, 'The messages'), ...PROXY_PROBLEMS },
  }),
  createRoute({
    method: 'post',
    path: '/{sessionId}/message',
    tags: ['Agent'],
    summary: 'Send a message',
    description:
      'A `user` message is taken only while the agent is `stable`; otherwise agentapi answers a ' +
      '500 whose `errors[0].message` says it waits for user input (wait for `stable`, then ' +
      'retry). `raw` sends ' +
      `keystrokes. Answers once the agent has started on it (up to ~18 s). ${ACCESS}`,
    security: authenticated,
    request: { params, body: jsonBody(SendMessageRequestSchema) },
    responses: { 200: json(SendMessageResponseSchema, 'Taken'), ...PROXY_PROBLEMS },
  }),
  createRoute({
    method: 'post',
    path: '/{sessionId}/upload',
    tags: ['Agent'],
    summary: 'Upload a file',
    description: `A multipart \`file\` of at most 10 MiB; answers where the agent can read it. ${ACCESS}`,
    security: authenticated,
    request: {
      params,
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({ file: z.string().meta({ format: 'binary' }) }),
          },
        },
      },
    },
    responses: { 200: json(UploadResponseSchema, 'Stored'), ...PROXY_PROBLEMS },
  }),
  createRoute({
    method: 'get',
    path: '/{sessionId}/events',
    tags: ['Agent'],
    summary: 'Follow the conversation',
    description:
      'Server-sent events: `message_update` (a message, whole, each time it changes), ' +
      '`status_change` (`running`/`stable`) and `agent_error`. Opens with the conversation so ' +
      `far and the current status; agentapi sends no heartbeats. ${ACCESS}`,
    security: authenticated,
    request: { params },
    responses: {
      200: {
        description: "An event stream; each event's data is one of these",
        content: { 'text/event-stream': { schema: AgentEventSchema } },
      },
      ...PROXY_PROBLEMS,
    },
  }),
]

/**
 * `ANY /{sessionId}/{path}`: everything after the session id goes to that session's agentapi —
 * its own routes above, and any other it serves. Documented once per method.
 */
export const proxyRoutes = [
  ...agentRoutes,
  ...METHODS.map((method) =>
    createRoute({
      method,
      path: '/{sessionId}/{path}',
      tags: ['Proxy'],
      summary: `Any other agentapi path (${method.toUpperCase()})`,
      description:
        `${ACCESS} \`path\` is the rest of the URL and may contain slashes; the query string is ` +
        'kept, and SSE streams are flushed event by event.',
      security: authenticated,
      request: {
        params: z.object({
          sessionId: sessionParam,
          path: z.string().meta({ param: { name: 'path', in: 'path' }, example: 'openapi.json' }),
        }),
      },
      responses: {
        200: { description: "agentapi's response, streamed unchanged" },
        ...PROXY_PROBLEMS,
      },
    }),
  ),
]
