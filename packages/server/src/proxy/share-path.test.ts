import { describe, expect, it } from 'vitest'
import { sessionPath, sharePath } from './listener.ts'

describe('sharePath', () => {
  it.each([
    ['/s/aas_abc/status', { token: 'aas_abc', rest: '/status' }],
    ['/s/aas_abc/events?x=1', { token: 'aas_abc', rest: '/events?x=1' }],
    ['/s/aas_abc?x=1', { token: 'aas_abc', rest: '/?x=1' }],
    ['/s/aas_abc', { token: 'aas_abc', rest: '/' }],
    ['/s/aas_a-b_c/../x', { token: 'aas_a-b_c', rest: '/../x' }],
  ])('splits %s into the token and the agent path', (url, expected) => {
    expect(sharePath(url)).toStrictEqual(expected)
  })

  it.each([
    '/s/',
    '/s',
    '/sessions/abc/share',
    '/search',
    '/s/a%2fb/status',
    '/s/a.b/status',
    '/x/s/a',
  ])('leaves %s to the API', (url) => {
    expect(sharePath(url)).toBeUndefined()
  })

  it('never takes a session path for a share path', () => {
    const url = '/5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11/status'
    expect(sessionPath(url)).toBeDefined()
    expect(sharePath(url)).toBeUndefined()
  })
})
