import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { problems } from './responses.ts'

export const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Health'],
  summary: 'Prometheus metrics',
  description:
    'Metrics in the Prometheus text format (0.0.4). With `metrics.token` set, send it as ' +
    '`Authorization: Bearer <token>` (401 otherwise); without one, only loopback callers are ' +
    'answered (403 otherwise). Session gauges count the sessions this replica runs.',
  security: [{ metricsToken: [] }],
  responses: {
    200: {
      description: 'The metrics',
      content: { 'text/plain; version=0.0.4': { schema: z.string() } },
    },
    ...problems(401, 403, 404),
  },
})
