import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { StartSessionRequestSchema } from '../sessions.ts'
import { OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument } from './committed.ts'
import { buildOpenApiDocument } from './document.ts'

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument()

  it('is OpenAPI 3.1 and documents every path of the HTTP API', () => {
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths ?? {}).sort()).toEqual(
      [
        '/',
        '/health',
        '/ready',
        '/openapi.json',
        '/docs',
        '/start',
        '/search',
        '/sessions/events',
        '/sessions/events/wait',
        '/sessions/{sessionId}',
        '/sessions/{sessionId}/logs',
        '/sessions/{sessionId}/share',
        '/sessions/{sessionId}/share/{shareId}',
        '/s/{token}/status',
        '/s/{token}/messages',
        '/s/{token}/events',
        '/auth/types',
        '/auth/status',
        '/oauth/authorize',
        '/oauth/callback',
        '/oauth/refresh',
        '/oauth/logout',
        '/api-keys',
        '/api-keys/{keyId}',
        '/mcp',
        '/audit',
        '/metrics',
        '/{sessionId}/status',
        '/{sessionId}/messages',
        '/{sessionId}/message',
        '/{sessionId}/upload',
        '/{sessionId}/events',
        '/{sessionId}/{path}',
      ].sort(),
    )
  })

  it('documents the session event types and the stream', () => {
    const stream = document.paths?.['/sessions/events']?.get?.responses?.['200'] as {
      content: Record<string, unknown>
    }
    expect(Object.keys(stream.content)).toEqual(['text/event-stream'])
    const types = document.components?.schemas?.SessionChangeType as { enum: string[] }
    expect(types.enum).toEqual(['created', 'status', 'agent_status', 'deleted'])
    expect(document.components?.schemas?.SessionResetEvent).toBeDefined()
  })

  it("documents agentapi's routes on the proxy path with agentapi's own schemas", () => {
    const paths = document.paths ?? {}
    const message = paths['/{sessionId}/message']?.post
    expect(message?.summary).toBe('Send a message')
    expect(message?.requestBody).toBeDefined()
    expect(
      Object.keys(paths['/{sessionId}/events']?.get?.responses?.['200']?.content ?? {}),
    ).toEqual(['text/event-stream'])
    expect(Object.keys(paths['/{sessionId}/status']?.get?.responses ?? {})).toContain('410')
  })

  it('describes every error as problem+json', () => {
    const start = document.paths?.['/start']?.post
    expect(Object.keys(start?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '401', '403', '422', '429', '500', '501']),
    )
    const problem = start?.responses?.['422'] as { content: Record<string, unknown> }
    expect(Object.keys(problem.content)).toEqual(['application/problem+json'])
  })

  it('matches the committed docs/openapi.json', () => {
    const committed = readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')
    const generated = serializeOpenApiDocument(document)
    if (committed !== generated) {
      expect.fail(
        'docs/openapi.json is stale: the shared schemas changed. Regenerate it with `pnpm openapi` and commit the result.',
      )
    }
  })

  it("shows an example POST /start body that the server's own schema accepts", () => {
    const schemas = document.components?.schemas as Record<string, { example?: unknown }>
    const example = schemas.StartSessionRequest?.example
    expect(example).toMatchObject({ message: expect.any(String) })
    expect(StartSessionRequestSchema.safeParse(example).success).toBe(true)
  })
})
