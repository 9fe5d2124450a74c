import { describe, expect, it } from 'vitest'
import { ApiError } from './api-error.ts'

const respond = (status: number, body: string, type?: string, statusText = '') =>
  new Response(body, { status, statusText, headers: type ? { 'content-type': type } : {} })

describe('ApiError', () => {
  it('names the request, the status and the code in its message', () => {
    const error = new ApiError({
      method: 'DELETE',
      path: '/sessions/abc',
      status: 404,
      code: 'session_not_found',
      detail: '',
    })
    expect(error.message).toBe('DELETE /sessions/abc → 404 session_not_found')
    expect(error.name).toBe('ApiError')
    expect(error).toBeInstanceOf(Error)
  })

  it('reads the proxy’s problem+json: code, detail and the problem itself', async () => {
    const problem = {
      type: 'urn:agentapi-proxy:problem:session_not_found',
      title: 'Session not found',
      status: 404,
      detail: 'No session abc is visible to you',
      code: 'session_not_found',
    }
    const error = await ApiError.fromResponse(
      respond(404, JSON.stringify(problem), 'application/problem+json'),
      'DELETE',
      '/sessions/abc',
    )
    expect(error.message).toBe(
      'DELETE /sessions/abc → 404 session_not_found: No session abc is visible to you',
    )
    expect(error).toMatchObject({ status: 404, code: 'session_not_found', method: 'DELETE' })
    expect(error.problem).toEqual(problem)
  })

  it('keeps a proxy problem’s detail as it is, field issues included', async () => {
    const problem = {
      type: 'urn:agentapi-proxy:problem:invalid_request',
      title: 'Invalid request',
      status: 422,
      detail: 'body.tags.team: Expected string',
      code: 'invalid_request',
      errors: [{ path: 'tags.team', message: 'Expected string' }],
    }
    const error = await ApiError.fromResponse(
      respond(422, JSON.stringify(problem), 'application/problem+json'),
      'POST',
      '/start',
    )
    expect(error.detail).toBe('body.tags.team: Expected string')
  })

  it('gives agentapi’s 500 the reason its errors[] carry, as its chat UI does', async () => {
    const huma = {
      $schema: 'http://localhost:3284/schemas/ErrorModel.json',
      title: 'Internal Server Error',
      status: 500,
      detail: 'unexpected error occurred',
      errors: [{ message: 'failed to send message: message must not be empty' }],
    }
    const error = await ApiError.fromResponse(
      respond(500, JSON.stringify(huma), 'application/problem+json'),
      'POST',
      '/5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11/message',
    )
    expect(error.code).toBe('internal')
    expect(error.message).toBe(
      'POST /5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11/message → 500 internal: ' +
        'unexpected error occurred: failed to send message: message must not be empty',
    )
  })

  it('names the location of agentapi’s validation errors', async () => {
    const huma = {
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'validation failed',
      errors: [{ message: 'expected value to be one of "user, raw"', location: 'body.type' }],
    }
    const error = await ApiError.fromResponse(
      respond(422, JSON.stringify(huma), 'application/problem+json'),
      'POST',
      '/x/message',
    )
    expect(error.detail).toBe(
      'validation failed: body.type: expected value to be one of "user, raw"',
    )
    expect(error.code).toBe('invalid_request')
  })

  it.each([
    [
      404,
      '404 page not found\n',
      'text/plain; charset=utf-8',
      '',
      'not_found',
      '404 page not found',
    ],
    [
      502,
      '<html><body>Bad gateway</body></html>',
      'text/html',
      'Bad Gateway',
      'http_502',
      'Bad Gateway',
    ],
    [429, '', undefined, 'Too Many Requests', 'http_429', 'Too Many Requests'],
    [401, '{"error":"token expired"}', 'application/json', '', 'unauthorized', 'token expired'],
    [405, '', undefined, '', 'method_not_allowed', ''],
  ])(
    'turns a %i non-problem body into a useful error (%j)',
    async (status, body, type, text, code, detail) => {
      const error = await ApiError.fromResponse(respond(status, body, type, text), 'GET', '/x')
      expect(error).toMatchObject({ status, code, detail, problem: undefined })
      expect(error.message).toBe(`GET /x → ${status} ${code}${detail ? `: ${detail}` : ''}`)
    },
  )

  it('shortens a long text body to one line', async () => {
    const error = await ApiError.fromResponse(
      respond(500, `a\n${'b'.repeat(400)}`, 'text/plain'),
      'GET',
      '/x',
    )
    expect(error.detail).toMatch(/^a b{198}…$/)
  })
})
