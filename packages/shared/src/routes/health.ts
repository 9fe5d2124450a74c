import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { HealthSchema, ReadinessSchema } from '../health.ts'
import { json } from './responses.ts'

export const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Health'],
  summary: 'Liveness',
  responses: { 200: json(HealthSchema, 'The process is up') },
})

export const ready = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['Health'],
  summary: 'Readiness',
  description: 'Readiness: 200 only when the store answers',
  responses: {
    200: json(ReadinessSchema, 'Ready to serve'),
    503: json(ReadinessSchema, 'A dependency is down'),
  },
})

export const openapi = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['Health'],
  summary: 'OpenAPI document',
  description: 'This OpenAPI document',
  responses: { 200: json(z.record(z.string(), z.unknown()), 'OpenAPI 3.1 document') },
})

export const landing = createRoute({
  method: 'get',
  path: '/',
  tags: ['Health'],
  summary: 'Landing page',
  description: 'What this server is, with links; your sessions when the request is signed in',
  responses: {
    200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
  },
})

export const docs = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['Health'],
  summary: 'API reference',
  description: 'Interactive API reference (works offline)',
  responses: {
    200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
  },
})
