import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/index.ts'

// Issue 19, item 16 (managed keys), through a real server and SQLite. Reproduction on the old
// code: 5,000 × `POST /api-keys` all answered 201 (4.3 s), and `GET /api-keys` returned all of
// them in one 1.8 MB body, with no `limit` or `cursor`.

const ADMIN = 'admin-static-key-000000000001'
const ALICE = 'alice-static-key-000000000002'
const MAX = 5

let proxy: TestServer

beforeAll(async () => {
  proxy = await startTestServer({
    auth: {
      enabled: true,
      static: {
        enabled: true,
        api_keys: [
          { key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'] },
          { key: ALICE, user_id: 'alice', role: 'member', permissions: ['session:list'] },
        ],
      },
      managed_keys: { max_per_user: MAX },
    },
  })
})
afterAll(async () => {
  await proxy?.close()
  if (proxy) rmSync(proxy.dir, { recursive: true, force: true })
})

async function call(key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${proxy.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() }
}

describe('managed keys: a cap per user and pages', () => {
  it('refuses a key past auth.managed_keys.max_per_user with 422, and counts revoked ones out', async () => {
    const made = []
    for (let i = 0; i < MAX; i++) {
      const created = await call(ALICE, 'POST', '/api-keys', { name: `k${i}` })
      expect(created.status).toBe(201)
      made.push(created.body.id as string)
    }
    const over = await call(ALICE, 'POST', '/api-keys', { name: 'one too many' })
    expect(over.status).toBe(422)
    expect(over.type).toBe('application/problem+json')
    expect(over.body.code).toBe('invalid_request')
    expect(over.body.detail).toContain(`${MAX} active API keys`)
    // The cap is per user: an admin's own keys are counted apart from alice's.
    expect((await call(ADMIN, 'POST', '/api-keys', { name: 'root-own' })).status).toBe(201)
    await call(ALICE, 'DELETE', `/api-keys/${made[0]}`)
    expect((await call(ALICE, 'POST', '/api-keys', { name: 'replacement' })).status).toBe(201)
  })

  it('pages GET /api-keys with limit and next_cursor, without overlap or gaps', async () => {
    const everyone = await call(ADMIN, 'GET', '/api-keys?limit=500')
    expect(everyone.body.next_cursor).toBeNull()
    const all = everyone.body.api_keys.map((key: { id: string }) => key.id)
    expect(all.length).toBeGreaterThanOrEqual(MAX + 1)
    const paged: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = await call(ADMIN, 'GET', `/api-keys${query}`)
      expect(page.status).toBe(200)
      expect(page.body.api_keys.length).toBeLessThanOrEqual(2)
      paged.push(...page.body.api_keys.map((key: { id: string }) => key.id))
      cursor = page.body.next_cursor
      pages++
    } while (cursor)
    expect(paged).toEqual(all)
    expect(pages).toBe(Math.ceil(all.length / 2))
  })

  it('names a bad limit or cursor', async () => {
    const badLimit = await call(ADMIN, 'GET', '/api-keys?limit=0')
    expect(badLimit.status).toBe(422)
    expect(badLimit.body.errors[0].path).toBe('limit')
    const badCursor = await call(ADMIN, 'GET', '/api-keys?cursor=bm9wZQ')
    expect(badCursor.status).toBe(422)
    expect(badCursor.body.errors).toEqual([
      { path: 'cursor', message: 'Not a cursor from next_cursor' },
    ])
  })
})
