import { buildOpenApiDocument } from '@agentapi-proxy/shared/routes'
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../test/app-fixture.ts'
import { captureLogs } from '../test/log-capture.ts'
import { useSessionServices } from '../test/sessions-fixture.ts'

const newService = useSessionServices()

async function appWithLogs(readiness = {}) {
  const logs = captureLogs()
  const { app } = await buildTestApp({
    logger: logs.logger,
    sessions: newService().service,
    readiness,
  })
  return { app, ...logs }
}

const postJson = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

describe('createApp', () => {
  it('answers /health with {"status":"ok"}', async () => {
    const res = await (await appWithLogs()).app.request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('answers /ready with 200 when every check passes and 503 naming the failing one', async () => {
    const ok = await (await appWithLogs({ store: async () => {} })).app.request('/ready')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ status: 'ready', checks: { store: 'ok' } })
    const down = await appWithLogs({ store: async () => Promise.reject(new Error('down')) })
    const res = await down.app.request('/ready')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      status: 'unavailable',
      checks: { store: 'error' },
      reasons: { store: 'down' },
    })
  })

  it('serves the same OpenAPI document the shared package generates', async () => {
    const res = await (await appWithLogs()).app.request('/openapi.json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())))
  })

  it('rejects an unknown field and a bad environment key with 422 naming each', async () => {
    const res = await (await appWithLogs()).app.request(
      '/start',
      postJson({ colour: 'red', environment: { 'NOT-OK': 'x' }, tags: { team: 1 } }),
    )
    expect(res.status).toBe(422)
    const problem = await res.json()
    expect(problem.code).toBe('invalid_request')
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['colour', 'environment.NOT-OK', 'tags.team'].sort(),
    )
    expect(problem.detail).toContain('colour: Unknown field')
    expect(problem.detail).toContain('environment.NOT-OK: Names match ^[A-Za-z_][A-Za-z0-9_]*$')
  })

  it('asks for JSON when the body is sent as another media type', async () => {
    const res = await (await appWithLogs()).app.request('/start', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({
      code: 'unsupported_media_type',
      detail: 'Send the body as JSON (Content-Type: application/json)',
    })
  })

  it('rejects a malformed JSON body with 400 problem+json', async () => {
    const res = await (await appWithLogs()).app.request('/start', postJson('{"tags": '))
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect((await res.json()).code).toBe('bad_request')
  })

  it('refuses a body over the limit with 413 before parsing it', async () => {
    const { app } = await buildTestApp({ sessions: newService().service, maxBodyBytes: 1024 })
    const res = await app.request('/start', postJson({ message: 'x'.repeat(4096) }))
    expect(res.status).toBe(413)
    expect((await res.json()).code).toBe('payload_too_large')
  })

  it('answers unknown paths with 404 problem+json', async () => {
    const res = await (await appWithLogs()).app.request('/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'not_found', instance: '/nope' })
  })

  it('answers a known path asked with another method with 405 and Allow', async () => {
    const { app } = await appWithLogs()
    const put = await app.request('/start', { method: 'PUT' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('POST')
    expect(await put.json()).toMatchObject({
      code: 'method_not_allowed',
      detail: '/start takes POST, not PUT',
    })
    const post = await app.request('/sessions/abc', { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, DELETE, HEAD')
  })

  it('gives every response a request id, keeping a caller-supplied one', async () => {
    const { app } = await appWithLogs()
    const fresh = await app.request('/health')
    expect(fresh.headers.get('x-request-id')).toMatch(/.{8,}/)
    const kept = await app.request('/nope', { headers: { 'X-Request-Id': 'trace-123' } })
    expect(kept.headers.get('x-request-id')).toBe('trace-123')
    expect((await kept.json()).request_id).toBe('trace-123')
  })

  it('turns an unexpected throw into a 500 without leaking its message, and logs it once', async () => {
    const { app, lines } = await appWithLogs()
    app.get('/boom', () => {
      throw new Error('secret database password in message')
    })
    const res = await app.request('/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('secret')
    expect(JSON.parse(text).code).toBe('internal')
    const errors = lines().filter((line) => line.msg === 'unhandled error')
    expect(errors).toHaveLength(1)
    expect(JSON.stringify(errors[0])).toContain('secret database password')
  })

  it('logs one structured line per request without the query string', async () => {
    const { app, lines } = await appWithLogs()
    await app.request('/oauth/callback?code=sekrit&state=s')
    const request = lines().find((line) => line.msg === 'request')
    expect(request).toMatchObject({ method: 'GET', path: '/oauth/callback', status: 404 })
    expect(JSON.stringify(lines())).not.toContain('sekrit')
  })
})
