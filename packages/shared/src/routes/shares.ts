import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { AgentEventSchema, AgentMessagesSchema, AgentStatusResponseSchema } from '../agent.ts'
import { SessionIdSchema } from '../common.ts'
import {
  CreatedShareSchema,
  CreateShareRequestSchema,
  RevokedSharesSchema,
  ShareIdSchema,
  ShareListSchema,
} from '../shares.ts'
import { authenticated, json, jsonBody, problems } from './responses.ts'

const sessionId = SessionIdSchema.meta({ param: { name: 'sessionId', in: 'path' } })
const OWNER = 'Permission session:access; the owner or an admin (another user’s session is 404).'

export const createShare = createRoute({
  method: 'post',
  path: '/sessions/{sessionId}/share',
  tags: ['Share links'],
  summary: 'Create a share link',
  description:
    'A read-only link to the session: anyone holding it can read the agent’s status, messages ' +
    'and events at `/s/{token}/…` without credentials, until it expires (24 h unless ' +
    '`expires_in` or `expires_at` says otherwise; at most 30 days), is revoked, or the session ' +
    `ends. The token is in this response only; the server keeps its SHA-256. ${OWNER}`,
  security: authenticated,
  request: {
    params: z.object({ sessionId }),
    body: { ...jsonBody(CreateShareRequestSchema), required: false },
  },
  responses: {
    201: json(CreatedShareSchema, 'The link, with its token'),
    ...problems(401, 403, 404, 410, 422),
  },
})

export const listShares = createRoute({
  method: 'get',
  path: '/sessions/{sessionId}/share',
  tags: ['Share links'],
  summary: 'List share links',
  description: `The session’s links that still work, oldest first, with how many viewers each has connected; never their tokens. ${OWNER}`,
  security: authenticated,
  request: { params: z.object({ sessionId }) },
  responses: { 200: json(ShareListSchema, 'The links'), ...problems(401, 403, 404) },
})

export const revokeShares = createRoute({
  method: 'delete',
  path: '/sessions/{sessionId}/share',
  tags: ['Share links'],
  summary: 'Revoke every share link',
  description: `Every link of the session stops working at once, on every replica, and its open streams end. ${OWNER}`,
  security: authenticated,
  request: { params: z.object({ sessionId }) },
  responses: { 200: json(RevokedSharesSchema, 'Revoked'), ...problems(401, 403, 404) },
})

export const revokeShare = createRoute({
  method: 'delete',
  path: '/sessions/{sessionId}/share/{shareId}',
  tags: ['Share links'],
  summary: 'Revoke a share link',
  description: `The link stops working at once, on every replica, and its open streams end. ${OWNER}`,
  security: authenticated,
  request: {
    params: z.object({
      sessionId,
      shareId: ShareIdSchema.meta({ param: { name: 'shareId', in: 'path' } }),
    }),
  },
  responses: { 200: json(RevokedSharesSchema, 'Revoked'), ...problems(401, 403, 404) },
})

const token = z.string().meta({ param: { name: 'token', in: 'path' }, example: 'aas_3f9cQ1x0…' })
const SHARED_PROBLEMS = problems(403, 404, 410, 502, 503)
const SHARED =
  'No credentials: the token is the proof. Only GET of status, messages and events; anything ' +
  'else through a link is 403. An unknown or revoked token is 404 (`share_not_found`), an ' +
  'expired one 410 (`share_expired`).'

/** What a share link reads: agentapi's three reading routes at `/s/{token}/…`. */
export const sharedRoutes = [
  createRoute({
    method: 'get',
    path: '/s/{token}/status',
    tags: ['Share links'],
    summary: 'A shared agent’s status',
    description: SHARED,
    request: { params: z.object({ token }) },
    responses: { 200: json(AgentStatusResponseSchema, 'The status'), ...SHARED_PROBLEMS },
  }),
  createRoute({
    method: 'get',
    path: '/s/{token}/messages',
    tags: ['Share links'],
    summary: 'A shared conversation',
    description: SHARED,
    request: { params: z.object({ token }) },
    responses: { 200: json(AgentMessagesSchema, 'The messages'), ...SHARED_PROBLEMS },
  }),
  createRoute({
    method: 'get',
    path: '/s/{token}/events',
    tags: ['Share links'],
    summary: 'Follow a shared conversation',
    description: `${SHARED} The stream ends when the link is revoked or expires, or the session is deleted.`,
    request: { params: z.object({ token }) },
    responses: {
      200: {
        description: "An event stream; each event's data is one of these",
        content: { 'text/event-stream': { schema: AgentEventSchema } },
      },
      ...SHARED_PROBLEMS,
    },
  }),
]
