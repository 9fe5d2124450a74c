import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import {
  SessionEventSchema,
  WaitEventsQuerySchema,
  WaitEventsResponseSchema,
} from '../session-events.ts'
import { authenticated, json, problems } from './responses.ts'

const VISIBLE = 'Members see their own sessions, admins every one (permission session:list).'

export const sessionEvents = createRoute({
  method: 'get',
  path: '/sessions/events',
  tags: ['Sessions'],
  summary: 'Follow session changes',
  description:
    'Server-sent events, one per change of a session you may see, from every replica, in the ' +
    'same order everywhere: `created`, `status`, `agent_status`, `deleted`, each with the ' +
    "session's summary. The SSE `id` is the event's position: reconnect with `Last-Event-ID` " +
    'and the changes since are replayed, within a bounded window; a position older than the ' +
    'window gets a `reset` event first (reload the list, then carry on). Without ' +
    '`Last-Event-ID` the stream starts at the current position (sent as an `id:` line). A ' +
    `comment line (\`: heartbeat\`) comes every 15 s by default. ${VISIBLE}`,
  security: authenticated,
  request: {
    headers: z.object({
      'last-event-id': z
        .string()
        .regex(/^\d{1,15}$/, 'An event id (a whole number)')
        .optional()
        .meta({ description: 'The id of the last event you received' }),
    }),
  },
  responses: {
    200: {
      description: "An event stream; each event's data is one of these",
      content: { 'text/event-stream': { schema: SessionEventSchema } },
    },
    ...problems(401, 403, 422),
  },
})

export const waitForSessionEvents = createRoute({
  method: 'get',
  path: '/sessions/events/wait',
  tags: ['Sessions'],
  summary: 'Wait for session changes',
  description:
    'Long polling, for clients that cannot stream: answers at once with the events after ' +
    '`after` (at most 500), else as soon as one comes, else with none once `timeout` seconds ' +
    '(at most 60) have passed. `after` older than the replay window answers a `reset` event ' +
    `first. ${VISIBLE}`,
  security: authenticated,
  request: { query: WaitEventsQuerySchema },
  responses: {
    200: json(WaitEventsResponseSchema, 'The events, oldest first; maybe none'),
    ...problems(401, 403, 422),
  },
})
