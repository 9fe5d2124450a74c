import { describe, expect, it } from 'vitest'
import { type SearchOptions, searchParams } from './search-params.ts'

describe('searchParams', () => {
  it.each<[SearchOptions | undefined, string]>([
    [undefined, ''],
    [{}, ''],
    [{ status: 'active' }, 'status=active'],
    [{ status: ['starting', 'active'] }, 'status=starting%2Cactive'],
    [{ limit: 20, cursor: 'abc' }, 'limit=20&cursor=abc'],
    [{ user_id: 'alice', status: 'failed' }, 'user_id=alice&status=failed'],
    [{ tags: { team: 'infra' } }, 'tag.team=infra'],
    [{ tags: { team: 'infra', 'ticket.id': 'OPS-12' } }, 'tag.team=infra&tag.ticket.id=OPS-12'],
    [{ tags: { q: 'a b&c=d' } }, 'tag.q=a+b%26c%3Dd'],
    [{ tags: {}, limit: 5, user_id: undefined }, 'limit=5'],
  ])('builds %j as ?%s', (options, query) => {
    expect(searchParams(options).toString()).toBe(query)
  })

  it('keeps tag values exactly, for the server to match', () => {
    const params = searchParams({ tags: { empty: '', spaced: ' x ' } })
    expect(params.get('tag.empty')).toBe('')
    expect(params.get('tag.spaced')).toBe(' x ')
  })
})
