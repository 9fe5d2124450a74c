import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/index.ts'

// Issue 19, item 16 (tags), through a real server. Reproduction on the old code:
// `POST /start {"tags":{"__proto__":"x"}}` → 201 with tags {} (dropped without a word), and
// `GET /search?tag.__proto__=x` ignored the filter and listed every session.

let proxy: TestServer

beforeAll(async () => {
  proxy = await startTestServer()
})
afterAll(async () => {
  await proxy?.close()
  if (proxy) rmSync(proxy.dir, { recursive: true, force: true })
})

describe('the tag key __proto__ is refused, in tags and in the search filter alike', () => {
  it('answers 422 naming tags.__proto__ at POST /start, and starts nothing', async () => {
    const res = await fetch(`${proxy.url}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"tags":{"__proto__":"x","team":"infra"}}',
    })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const problem = await res.json()
    expect(problem.errors).toEqual([
      { path: 'tags.__proto__', message: '__proto__ is reserved and cannot be a tag key' },
    ])
    const search = await (await fetch(`${proxy.url}/search`)).json()
    expect(search.sessions).toEqual([])
  })

  it('answers 422 naming tag.__proto__ at GET /search', async () => {
    const res = await fetch(`${proxy.url}/search?tag.__proto__=x`)
    expect(res.status).toBe(422)
    const problem = await res.json()
    expect(problem.errors).toEqual([
      { path: 'tag.__proto__', message: '__proto__ is reserved and cannot be a tag key' },
    ])
  })

  it('still filters on ordinary tag keys, constructor included', async () => {
    const res = await fetch(`${proxy.url}/search?tag.constructor=x`)
    expect(res.status).toBe(200)
    expect((await res.json()).sessions).toEqual([])
  })
})
