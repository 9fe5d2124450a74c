import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import {
  ERROR_STATUS,
  ERROR_TITLE,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  problemType,
} from '../problem.ts'
import { buildOpenApiDocument, routes } from './document.ts'
import { proxyRoutes } from './proxy.ts'

const document = buildOpenApiDocument()
const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>
const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>

interface Operation {
  requestBody?: { content: Record<string, { schema: Record<string, unknown>; example?: unknown }> }
  responses: Record<
    string,
    { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }
  >
}

// Every operation of the document with the route definition (and so the zod schemas) it came from.
const operations = [...Object.values(routes), ...proxyRoutes].map((route) => {
  const path = route.path
  const operation = paths[path]?.[route.method] as Operation
  return { name: `${route.method.toUpperCase()} ${path}`, route, operation }
})

// What the reference shows as the body to send: the media type's example, else the schema's.
function shownExample(media: { schema: Record<string, unknown>; example?: unknown }): unknown {
  if (media.example !== undefined) return media.example
  const ref = media.schema.$ref as string | undefined
  const schema = ref ? schemas[ref.split('/').at(-1) as string] : media.schema
  return schema?.example
}

describe('the examples of the API reference', () => {
  const bodies = operations.filter(
    ({ operation }) => operation.requestBody?.content['application/json'],
  )
  it.each(bodies)('$name shows a request body its own schema accepts', ({ route, operation }) => {
    const media = operation.requestBody?.content['application/json']
    const example = media && shownExample(media)
    expect(example, 'no example body').toBeDefined()
    const { request } = route as {
      request?: { body?: { content: Record<string, { schema: z.ZodType }> } }
    }
    const body = request?.body
    if (!body) throw new Error('a request body in the document but not in the route')
    const parsed = body.content['application/json']?.schema.safeParse(example)
    expect(parsed?.error?.issues ?? []).toEqual([])
  })

  const errors = operations.flatMap(({ name, operation }) =>
    Object.entries(operation.responses)
      // /ready's 503 is its own JSON (which check failed), not a problem.
      .filter(
        ([status, response]) => Number(status) >= 400 && response.content?.[PROBLEM_CONTENT_TYPE],
      )
      .map(([status, response]) => ({ name, status: Number(status), response })),
  )
  it.each(errors)('$name $status shows problems of that status only', ({ status, response }) => {
    const examples = Object.values(response.content?.[PROBLEM_CONTENT_TYPE]?.examples ?? {})
    expect(examples.length).toBeGreaterThan(0)
    for (const { value } of examples) {
      const problem = ProblemSchema.parse(value)
      expect(ERROR_STATUS[problem.code], problem.code).toBe(status)
      expect(problem).toMatchObject({
        status,
        title: ERROR_TITLE[problem.code],
        type: problemType(problem.code),
      })
      expect(problem.detail.length).toBeGreaterThan(10)
      if (problem.code === 'invalid_request') expect(problem.errors?.length).toBeGreaterThan(0)
      if (problem.code === 'session_ended') expect(problem.session_status).toBeDefined()
    }
  })

  it('shows each route its own error, not one shared example', () => {
    const detail = (path: string, method: string, status: string) =>
      paths[path]?.[method]?.responses[status]?.content?.[PROBLEM_CONTENT_TYPE]?.examples
    expect(Object.keys(detail('/sessions/{sessionId}', 'get', '404') ?? {})).toEqual([
      'session_not_found',
    ])
    expect(Object.keys(detail('/api-keys/{keyId}', 'delete', '404') ?? {})).toEqual(['not_found'])
    expect(Object.keys(detail('/start', 'post', '429') ?? {})).toEqual([
      'too_many_sessions',
      'too_many_sessions_2',
    ])
    expect(Object.keys(detail('/{sessionId}/status', 'get', '503') ?? {})).toEqual([
      'session_not_ready',
    ])
    expect(Object.keys(detail('/api-keys', 'post', '409') ?? {})).toEqual(['conflict'])
  })
})
