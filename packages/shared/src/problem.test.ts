import { describe, expect, it } from 'vitest'
import { ERROR_CODES, ERROR_STATUS, ERROR_TITLE, ProblemSchema, problemType } from './problem.ts'

describe('error codes', () => {
  it.each(ERROR_CODES.map((code) => [code, ERROR_STATUS[code]] as const))(
    '%s maps to an HTTP error status (%i) and has a title',
    (code, status) => {
      expect(status).toBeGreaterThanOrEqual(400)
      expect(status).toBeLessThan(600)
      expect(ERROR_TITLE[code].length).toBeGreaterThan(0)
    },
  )

  it('gives each code a distinct, stable problem type', () => {
    const types = ERROR_CODES.map(problemType)
    expect(new Set(types).size).toBe(ERROR_CODES.length)
    expect(problemType('session_not_found')).toBe('urn:agentapi-proxy:problem:session_not_found')
  })

  it('rejects a problem with a code outside the closed set', () => {
    const result = ProblemSchema.safeParse({
      type: 'x',
      title: 'x',
      status: 418,
      detail: 'x',
      code: 'teapot',
    })
    expect(result.success).toBe(false)
  })
})
