import { describe, expect, it } from 'vitest'
import { SearchQuerySchema, StartSessionRequestSchema, tagFilters } from './sessions.ts'

const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.')) ?? []

describe('StartSessionRequestSchema', () => {
  it('accepts an empty body and a full one', () => {
    expect(StartSessionRequestSchema.parse({})).toEqual({})
    const full = {
      user_id: 'alice',
      environment: { APP_LOG_LEVEL: 'debug' },
      tags: { team: 'infra' },
      message: 'hello',
      repository: 'octo/hello-world',
      agent: 'claude',
    }
    expect(StartSessionRequestSchema.parse(full)).toEqual(full)
  })

  it.each([
    [{ colour: 'red' }, ''],
    [{ environment: { 'BAD-NAME': 'x' } }, 'environment.BAD-NAME'],
    [{ tags: { team: 3 } }, 'tags.team'],
    [{ repository: 'not a repo' }, 'repository'],
    [{ repository: '-c/x' }, 'repository'],
    [{ repository: 'git@-oProxyCommand=x:o/r' }, 'repository'],
    // Issue 19 item 7: on main a NUL in a value passed validation and leaked through spawn.
    [{ environment: { GITHUB_TOKEN: 'ghp_x\u0000' } }, 'environment.GITHUB_TOKEN'],
    [{ environment: { APP_X: 'a\u001b[2Kb' } }, 'environment.APP_X'],
    [{ message: '' }, 'message'],
  ])('rejects %j naming the field %s', (body, path) => {
    const result = StartSessionRequestSchema.safeParse(body)
    expect(result.success).toBe(false)
    expect(issuePaths(result)).toContain(path)
  })

  it('keeps tabs and newlines in values (PEM keys, multi-line settings)', () => {
    const environment = { APP_PEM: '-----BEGIN KEY-----\r\nabc\tdef\n-----END KEY-----' }
    expect(StartSessionRequestSchema.parse({ environment })).toEqual({ environment })
  })

  it('names an unknown field in the message', () => {
    const result = StartSessionRequestSchema.safeParse({ colour: 'red' })
    expect(result.error?.issues[0]?.message).toContain('colour')
  })
})

describe('SearchQuerySchema', () => {
  it('defaults the limit and keeps tag filters', () => {
    const query = SearchQuerySchema.parse({ 'tag.team': 'infra', status: 'active' })
    expect(query.limit).toBe(50)
    expect(tagFilters(query)).toEqual({ team: 'infra' })
  })

  it('rejects an unknown parameter by name', () => {
    const result = SearchQuerySchema.safeParse({ colour: 'red' })
    expect(issuePaths(result)).toEqual(['colour'])
  })
})
