import { describe, expect, it } from 'vitest'
import { redirectAllowed } from './redirect-uri.ts'

const listed = 'https://app.example.com/callback'

describe('redirectAllowed', () => {
  it.each([
    [listed, false, true],
    [`${listed}/`, false, false],
    ['http://127.0.0.1:53117/callback', false, false],
    ['http://127.0.0.1:53117/callback', true, true],
    ['http://[::1]:40000/', true, true],
    ['http://127.0.0.1/callback', true, true],
    ['http://localhost:53117/callback', true, false],
    ['https://127.0.0.1:53117/callback', true, false],
    ['http://user:pw@127.0.0.1:53117/callback', true, false],
    ['http://127.0.0.1:53117/callback#x', true, false],
    ['http://127.0.0.2:53117/callback', true, false],
    ['http://127.0.0.1.evil.example/callback', true, false],
    ['not a url', true, false],
  ])('%s with loopback_redirects %s → %s', (uri, loopback, allowed) => {
    const policy = { allowed_redirect_uris: [listed], loopback_redirects: loopback }
    expect(redirectAllowed(policy, uri)).toBe(allowed)
  })
})
