import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, startProxy, type TestProxy, withAuth } from '../../test/proxy.ts'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy(withAuth)
})
afterAll(() => proxy.close())

const as = (key: string) => ({ env: { AGENTAPI_PROXY_API_KEY: key } })

describe('agentapi-proxy with auth on', () => {
  it('says in one line what to check, with exit code 4, when the API key is wrong or missing', async () => {
    const wrong = await proxy.cli(['list', '--api-key', `${'k'.repeat(20)}bad!`])
    expect(wrong.code).toBe(4)
    expect(wrong.stdout).toBe('')
    expect(wrong.stderr).toMatch(
      /^error: GET \/search → 401 unauthorized: .+ — check --api-key or AGENTAPI_PROXY_API_KEY \(or --token \/ AGENTAPI_PROXY_TOKEN\), or sign in again: agentapi-proxy login\n$/,
    )
    const missing = await proxy.cli(['start'])
    expect(missing.code).toBe(4)
    expect(missing.stderr).toMatch(/^error: POST \/start → 401 [^\n]+\n$/)
  })

  it('takes the key from AGENTAPI_PROXY_API_KEY', async () => {
    const { code, stderr } = await proxy.cli(['list'], as(ADMIN_KEY))
    expect(code, stderr).toBe(0)
  })

  it('creates a key and prints its secret once, lists it, and revokes it so that it stops working', async () => {
    const created = await proxy.cli(
      ['keys', 'create', '--name', 'ci', '--user', 'bob', '--permission', 'session:list'],
      as(ADMIN_KEY),
    )
    expect(created.code, created.stderr).toBe(0)
    const secret = created.stdout.trim()
    expect(secret).not.toBe('')
    expect(created.stdout).toBe(`${secret}\n`)
    expect(created.stderr).toContain('Store the key now: it is never shown again.')

    const worked = await proxy.cli(['list'], as(secret))
    expect(worked.code, worked.stderr).toBe(0)
    const forbidden = await proxy.cli(['start'], as(secret))
    expect(forbidden.code).toBe(4)
    expect(forbidden.stderr).toMatch(
      /^error: POST \/start → 403 .* — your credentials lack the permission; ask an admin\n$/,
    )

    const listed = JSON.parse((await proxy.cli(['keys', 'list', '--json'], as(ADMIN_KEY))).stdout)
    const key = listed.api_keys.find((k: { name: string }) => k.name === 'ci')
    expect(key).toMatchObject({ user_id: 'bob', permissions: ['session:list'] })
    expect(JSON.stringify(listed)).not.toContain(secret)

    const table = await proxy.cli(['keys', 'list'], as(ADMIN_KEY))
    const [header, ...rows] = table.stdout.trimEnd().split('\n')
    expect(header?.split(/\s{2,}/)).toEqual([
      'ID',
      'NAME',
      'PREFIX',
      'USER',
      'ROLE',
      'PERMISSIONS',
      'AGE',
      'EXPIRES',
      'LAST USED',
    ])
    expect(rows.find((row) => row.startsWith(key.id))).toMatch(/\s+ci\s+.*\s+bob\s+.*session:list/)

    const revoked = await proxy.cli(['keys', 'revoke', key.id], as(ADMIN_KEY))
    expect(revoked).toMatchObject({ code: 0, stdout: `API key ${key.id} revoked\n` })
    expect((await proxy.cli(['list'], as(secret))).code).toBe(4)
    // By the PREFIX a person reads in keys list, too.
    const second = await proxy.cli(['keys', 'create', '--name', 'by-prefix'], as(ADMIN_KEY))
    const again = JSON.parse((await proxy.cli(['keys', 'list', '--json'], as(ADMIN_KEY))).stdout)
    const other = again.api_keys.find((k: { name: string }) => k.name === 'by-prefix')
    const byPrefix = await proxy.cli(['keys', 'revoke', other.prefix], as(ADMIN_KEY))
    expect(byPrefix).toMatchObject({ code: 0, stdout: `API key ${other.id} revoked\n` })
    expect((await proxy.cli(['list'], as(second.stdout.trim()))).code).toBe(4)
    const noPrefix = await proxy.cli(['keys', 'revoke', 'aap_nope'], as(ADMIN_KEY))
    expect(noPrefix).toMatchObject({ code: 3 })
    expect(noPrefix.stderr).toContain('no API key has the id or prefix aap_nope')
    const unknown = await proxy.cli(['keys', 'revoke', 'key_nope'], as(ADMIN_KEY))
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toMatch(
      /^error: API key key_nope not found .* — see agentapi-proxy keys list\n$/,
    )
  }, 60_000)

  it('creates a key as JSON, and refuses an expiry that is not a date', async () => {
    const created = await proxy.cli(
      ['keys', 'create', '--name', 'laptop', '--expires-at', '2099-01-01', '--json'],
      as(ADMIN_KEY),
    )
    expect(created.code, created.stderr).toBe(0)
    const key = JSON.parse(created.stdout)
    expect(key).toMatchObject({ name: 'laptop', expires_at: expect.stringMatching(/^2099-01-01T/) })
    expect(key.key).toEqual(expect.any(String))
    const bad = await proxy.cli(
      ['keys', 'create', '--name', 'x', '--expires-at', 'soon'],
      as(ADMIN_KEY),
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error: --expires-at must be a date, not "soon"/)
  })
})

describe('agentapi-proxy against a server with its own API-key header', () => {
  it('sends the key in the header that --api-key-header names', async () => {
    const custom = await startProxy({
      auth: { ...withAuth.auth, static: { ...withAuth.auth.static, header_name: 'X-Team-Key' } },
    })
    try {
      const plain = await custom.cli(['list', '--api-key', ADMIN_KEY])
      expect(plain.code).toBe(4)
      const named = await custom.cli([
        'list',
        '--api-key',
        ADMIN_KEY,
        '--api-key-header',
        'X-Team-Key',
      ])
      expect(named.code, named.stderr).toBe(0)
      const fromEnv = await custom.cli(['list'], {
        env: { AGENTAPI_PROXY_API_KEY: ADMIN_KEY, AGENTAPI_PROXY_API_KEY_HEADER: 'X-Team-Key' },
      })
      expect(fromEnv.code, fromEnv.stderr).toBe(0)
    } finally {
      await custom.close()
    }
  })

  it("lists every key, following next_cursor past the server's largest page of 500", async () => {
    const create = (user: string, i: number) =>
      fetch(`${proxy.url}/api-keys`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `bulk-${i}`, user_id: user }),
      }).then((res) => expect(res.status).toBe(201))
    // 100 active keys per user is the default cap: 6 users hold the 501 keys.
    for (let i = 0; i < 501; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, 501 - i) }, (_, j) =>
          create(`bulk${(i + j) % 6}`, i + j),
        ),
      )
    }
    const { code, stdout, stderr } = await proxy.cli(['keys', 'list', '--json'], as(ADMIN_KEY))
    expect(code, stderr).toBe(0)
    const listed = JSON.parse(stdout)
    expect(listed.next_cursor).toBeNull()
    const bulk = listed.api_keys.filter((k: { name: string }) => k.name.startsWith('bulk-'))
    expect(new Set(bulk.map((k: { id: string }) => k.id)).size).toBe(501)
  })
})
