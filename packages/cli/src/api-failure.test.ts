import { ApiError } from '@agentapi-proxy/client'
import { describe, expect, it } from 'vitest'
import { explainFailure } from './api-failure.ts'
import { CliError } from './cli-error.ts'

const url = 'http://127.0.0.1:8080'
const apiError = (status: number, code: string, path = '/search') =>
  new ApiError({ method: 'GET', path, status, code: code as never, detail: 'because' })

describe('explainFailure', () => {
  it.each([
    [401, 'unauthorized', 4, /check --api-key or AGENTAPI_PROXY_API_KEY/],
    [403, 'forbidden', 4, /lack the permission/],
    [404, 'not_found', 3, /^$/],
    [422, 'invalid_request', 2, /fix the value/],
    [429, 'too_many_sessions', 1, /too many sessions/],
    [500, 'internal', 1, /server error/],
  ])('turns a %d into exit code %d with a hint', (status, code, exitCode, hint) => {
    const error = explainFailure(apiError(status, code), { url }) as CliError
    expect(error).toBeInstanceOf(CliError)
    expect(error.exitCode).toBe(exitCode)
    expect(error.message).toBe(`GET /search → ${status} ${code}: because`)
    expect(error.hint ?? '').toMatch(hint)
  })

  it('names the missing session of a 404', () => {
    const subject = { kind: 'session', id: 'abc' } as const
    const error = explainFailure(apiError(404, 'session_not_found', '/abc/status'), {
      url,
      subject,
    }) as CliError
    expect(error.message).toBe('session abc not found (GET /abc/status → 404)')
    expect(error.exitCode).toBe(3)
  })

  it('says how and why a session ended, rather than "not found"', () => {
    const subject = { kind: 'session', id: 'abc' } as const
    const problem = {
      type: 'urn:agentapi-proxy:problem:session_ended',
      title: 'Session ended',
      status: 410,
      detail: 'The agent exited by itself with code 7: session abc has no agent any more',
      code: 'session_ended' as const,
      session_status: 'failed' as const,
      session_error: 'The agent exited by itself with code 7',
    }
    const ended = new ApiError({
      method: 'GET',
      path: '/abc/status',
      status: 410,
      code: 'session_ended',
      detail: problem.detail,
      problem,
    })
    expect(explainFailure(ended, { url, subject })).toMatchObject({
      message: 'session abc is failed: The agent exited by itself with code 7',
      hint: 'its last output: agentapi-proxy logs abc; a new one: agentapi-proxy start',
      exitCode: 3,
    })
  })

  it('says to start the server when nothing listens, and to check the URL otherwise', () => {
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })
    expect(explainFailure(refused, { url })).toMatchObject({
      message: `cannot reach ${url}`,
      hint: 'is the server running? (agentapi-proxy server)',
      exitCode: 5,
    })
    const unknownHost = new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } })
    expect(explainFailure(unknownHost, { url })).toMatchObject({
      message: `cannot reach ${url} (ENOTFOUND)`,
      exitCode: 5,
    })
  })

  it('leaves other errors as they are', () => {
    const bug = new RangeError('oops')
    expect(explainFailure(bug, { url })).toBe(bug)
  })
})
