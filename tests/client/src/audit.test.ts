import { ApiError, createClient } from '@agentapi-proxy/client'
import { afterAll, describe, expect, it } from 'vitest'
import { startProxy } from './harness.ts'

const ADMIN_KEY = 'admin-key-0123456789abcdef'
const MEMBER_KEY = 'member-key-0123456789abcdef'
const proxy = await startProxy({
  auth: {
    enabled: true,
    static: {
      enabled: true,
      api_keys: [
        { key: ADMIN_KEY, user_id: 'root', role: 'admin', permissions: ['*'] },
        { key: MEMBER_KEY, user_id: 'bob', role: 'member', permissions: ['*'] },
      ],
    },
  },
})
afterAll(() => proxy.close())

const admin = createClient({ baseUrl: proxy.url, apiKey: ADMIN_KEY })
const member = createClient({ baseUrl: proxy.url, apiKey: MEMBER_KEY })

describe('client.audit', () => {
  it('pages through the entries, newest first, with filters', async () => {
    const ids: string[] = []
    for (const name of ['one', 'two', 'three']) ids.push((await member.createApiKey({ name })).id)
    await member.revokeApiKey(ids[0] as string)
    const seen: string[] = []
    let page = await admin.audit({ user_id: 'bob', action: 'api_key.create', limit: 2 })
    seen.push(...page.entries.map((entry) => entry.target ?? ''))
    while (page.next_cursor) {
      page = await admin.audit({
        user_id: 'bob',
        action: 'api_key.create',
        cursor: page.next_cursor,
      })
      seen.push(...page.entries.map((entry) => entry.target ?? ''))
    }
    expect(seen).toEqual([...ids].reverse())
    const revoked = await admin.audit({ action: 'api_key.revoke' })
    expect(revoked.entries).toMatchObject([
      { user_id: 'bob', auth_method: 'api_key', target: ids[0] },
    ])
  })

  it('is refused to anyone but an admin', async () => {
    const refused = await member.audit().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ApiError)
    expect(refused).toMatchObject({ status: 403, code: 'forbidden' })
  })
})
