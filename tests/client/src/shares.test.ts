import { ApiError, createClient, openSharedSession } from '@agentapi-proxy/client'
import { afterAll, describe, expect, it } from 'vitest'
import { eventually, startProxy } from './harness.ts'

const KEY = 'owner-static-key-000000000001'
const api_keys = [{ key: KEY, user_id: 'owner', role: 'admin', permissions: ['*'] }]
const proxy = await startProxy({ auth: { enabled: true, static: { enabled: true, api_keys } } })
afterAll(() => proxy.close())
const owner = createClient({ baseUrl: proxy.url, apiKey: KEY })

async function stableSession(): Promise<string> {
  const { session_id } = await owner.start()
  await eventually(async () =>
    (await owner.status(session_id)).status === 'stable' ? true : undefined,
  )
  return session_id
}

describe('share links through the SDK', () => {
  it('creates, lists and revokes links; a shared session reads status, messages and events', async () => {
    const id = await stableSession()
    const link = await owner.createShare(id, { expires_in: 3600 })
    expect(link.url).toBe(`${proxy.url}/s/${link.token}/`)
    const shared = openSharedSession(link.url)
    expect((await shared.status()).status).toBe('stable')
    const controller = new AbortController()
    const snapshots = shared.conversation({ signal: controller.signal })
    await owner.sendMessage(id, 'hello from the owner')
    let seen = false
    for await (const { messages } of snapshots) {
      if (messages.some((m) => m.role === 'agent' && m.content.includes('hello from the owner'))) {
        seen = true
        controller.abort()
      }
    }
    expect(seen).toBe(true)
    expect((await shared.messages()).messages.length).toBeGreaterThan(1)
    // The reply shows in the conversation before the agent goes back to stable.
    const same = openSharedSession({ baseUrl: proxy.url, token: link.token })
    await eventually(async () => ((await same.status()).status === 'stable' ? true : undefined))

    const { shares } = await owner.listShares(id)
    expect(shares.map((s) => s.id)).toStrictEqual([link.id])
    expect(shares[0]).not.toHaveProperty('token')
    expect(await owner.revokeShare(id, link.id)).toStrictEqual({ revoked: [link.id] })
    await expect(shared.status()).rejects.toMatchObject({ status: 404, code: 'share_not_found' })
    await expect(shared.events({ reconnect: false }).next()).rejects.toBeInstanceOf(ApiError)
  })

  it('revokes every link of a session at once', async () => {
    const id = await stableSession()
    const made = [await owner.createShare(id), await owner.createShare(id)]
    const { revoked } = await owner.revokeShares(id)
    expect(revoked.sort()).toStrictEqual(made.map((s) => s.id).sort())
    expect((await owner.listShares(id)).shares).toStrictEqual([])
  })

  it('refuses a URL that is not a share link', () => {
    expect(() => openSharedSession(`${proxy.url}/sessions/x`)).toThrow(/not a share link/)
  })
})
