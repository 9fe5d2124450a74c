import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/index.ts'
import { createLogger } from '../logger.ts'
import { type RunningServer, startServer } from '../server.ts'
import { startTestServer, type TestServer } from '../testing/index.ts'
import { fixtureAuthConfig, REDIRECT_URI, startFixtureGitHub } from './github-fixture.ts'

// Issue 19, item 5, through a real server, real HTTP and a real SQLite file. Reproduction on the
// old code: a static key with expires_at creates `POST /api-keys {"name":"x"}` → expires_at null,
// and the new key still answers 200 on /auth/status after the static key has expired; DELETE of
// a key left the keys it minted working.

const ADMIN = 'admin-static-key-000000000001'
const SHORT = 'short-lived-static-key-00002'
const PERMISSIONS = ['session:create', 'session:list', 'session:delete', 'session:access']

const servers: { close(): Promise<void> }[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function start(staticKeys: Record<string, unknown>[], extra = {}): Promise<TestServer> {
  const proxy = await startTestServer({
    auth: { enabled: true, static: { enabled: true, api_keys: staticKeys }, ...extra },
  })
  servers.push(proxy)
  dirs.push(proxy.dir)
  return proxy
}

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, body: await res.json() }
}

const mint = async (url: string, key: string, body: Record<string, unknown> = {}) =>
  call(url, key, 'POST', '/api-keys', { name: 'minted', ...body })

describe('a minted key never outlives or out-permits its creator', () => {
  it('expires with an expiring static key when it names no expiry, and refuses a later one', async () => {
    const expiresAt = new Date(Date.now() + 2_500).toISOString()
    const proxy = await start([
      {
        key: SHORT,
        user_id: 'ci',
        role: 'member',
        permissions: PERMISSIONS,
        expires_at: expiresAt,
      },
    ])
    const child = await mint(proxy.url, SHORT)
    expect(child.status).toBe(201)
    expect(child.body.expires_at).toBe(expiresAt)
    const later = await mint(proxy.url, SHORT, { expires_at: '2099-01-01T00:00:00Z' })
    expect(later.status).toBe(422)
    expect(later.body.errors).toEqual([
      { path: 'expires_at', message: expect.stringContaining(expiresAt) },
    ])
    const grandchild = await mint(proxy.url, child.body.key)
    expect(grandchild.body.expires_at).toBe(expiresAt)
    expect((await call(proxy.url, child.body.key, 'GET', '/auth/status')).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50))
    for (const key of [child.body.key, grandchild.body.key]) {
      const after = await call(proxy.url, key, 'GET', '/auth/status')
      expect(after.status).toBe(401)
      expect(after.body.code).toBe('credentials_expired')
    }
  })

  it('dies with its creator: revoking a key revokes what it minted, transitively', async () => {
    const proxy = await start([{ key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'] }])
    const parent = await mint(proxy.url, ADMIN, { name: 'parent' })
    const child = await mint(proxy.url, parent.body.key, { name: 'child' })
    const grandchild = await mint(proxy.url, child.body.key, { name: 'grandchild' })
    const sibling = await mint(proxy.url, ADMIN, { name: 'sibling' })
    expect((await call(proxy.url, grandchild.body.key, 'GET', '/auth/status')).status).toBe(200)
    const revoked = await call(proxy.url, ADMIN, 'DELETE', `/api-keys/${parent.body.id}`)
    expect(revoked.status).toBe(200)
    for (const key of [parent.body.key, child.body.key, grandchild.body.key]) {
      const after = await call(proxy.url, key, 'GET', '/auth/status')
      expect(after.status).toBe(401)
      expect(after.body.code).toBe('unauthorized')
    }
    expect((await call(proxy.url, sibling.body.key, 'GET', '/auth/status')).status).toBe(200)
    const listed = await call(proxy.url, ADMIN, 'GET', '/api-keys')
    expect(listed.body.api_keys.map((key: { name: string }) => key.name)).toEqual(['sibling'])
  })

  it('holds no permission its creator lacks, admin or not', async () => {
    const proxy = await start([{ key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'] }])
    const narrow = await mint(proxy.url, ADMIN, { permissions: ['session:list'] })
    const wider = await mint(proxy.url, narrow.body.key, { permissions: ['*'] })
    expect(wider.status).toBe(403)
    expect(wider.body.detail).toContain('*')
    const same = await mint(proxy.url, narrow.body.key, {})
    expect(same.body.permissions).toEqual(['session:list'])
  })
})

describe('a key minted by an OAuth sign-in', () => {
  it('lives no longer than the sign-in, and is revoked at logout', async () => {
    const github = await startFixtureGitHub()
    servers.push(github)
    const proxy = await startTestServer({ auth: fixtureAuthConfig(github) })
    servers.push(proxy)
    dirs.push(proxy.dir)
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${proxy.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: await res.json() }))
    const { auth_url } = (await post('/oauth/authorize', { redirect_uri: REDIRECT_URI })).body
    const back = await github.consent(auth_url, { login: 'ada' })
    const query = `code=${back.searchParams.get('code')}&state=${back.searchParams.get('state')}`
    const tokens = await (await fetch(`${proxy.url}/oauth/callback?${query}`)).json()
    const minted = await post('/api-keys', { name: 'from-browser' }, tokens.access_token)
    expect(minted.status).toBe(201)
    // The sign-in's end (30 days of refresh), not the 8-hour access token's, and never null.
    expect(Date.parse(minted.body.expires_at)).toBeGreaterThan(Date.parse(tokens.expires_at))
    expect((await call(proxy.url, minted.body.key, 'GET', '/auth/status')).status).toBe(200)
    expect((await post('/oauth/logout', {}, tokens.access_token)).status).toBe(200)
    const after = await call(proxy.url, minted.body.key, 'GET', '/auth/status')
    expect(after).toMatchObject({ status: 401, body: { code: 'unauthorized' } })
  })
})

describe('a key minted by a configured key follows the config', () => {
  // The config has no revoke event: the check happens at every use of the minted key.
  it('stops working once its static creator expires or is removed from the config', async () => {
    const proxy = await start([{ key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'] }])
    const child = await mint(proxy.url, ADMIN)
    expect(child.body.expires_at).toBeNull()
    // Stops the server and keeps its dir (proxy.close would remove it): restarted in it below.
    await proxy.server.close()
    servers.splice(0)

    const soon = new Date(Date.now() + 1_500).toISOString()
    const expiring = await restart(proxy.dir, [
      { key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'], expires_at: soon },
    ])
    expect((await call(expiring.url, child.body.key, 'GET', '/auth/status')).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, Date.parse(soon) - Date.now() + 50))
    const expired = await call(expiring.url, child.body.key, 'GET', '/auth/status')
    expect(expired).toMatchObject({ status: 401, body: { code: 'credentials_expired' } })
    await expiring.close()
    servers.splice(0)

    const removed = await restart(proxy.dir, [
      { key: 'another-admin-key-00000000003', user_id: 'root', role: 'admin' },
    ])
    const gone = await call(removed.url, child.body.key, 'GET', '/auth/status')
    expect(gone).toMatchObject({ status: 401, body: { code: 'unauthorized' } })
  })
})

// The same data directory (and SQLite file) with a new static key list, as an operator editing
// config.json and restarting would leave it.
async function restart(dir: string, apiKeys: Record<string, unknown>[]): Promise<RunningServer> {
  const file = join(dir, 'config.json')
  const config = {
    start_port: 20_000 + Math.floor(Math.random() * 40_000),
    session: { workdir_root: join(dir, 'sessions') },
    persistence: { path: join(dir, 'proxy.sqlite') },
    auth: { enabled: true, static: { enabled: true, api_keys: apiKeys } },
  }
  writeFileSync(file, JSON.stringify(config))
  const loaded = loadConfig({ cwd: dir, flags: { port: 0 }, env: {} })
  const logger = createLogger({ destination: { write: () => true } })
  const server = await startServer({ config: loaded.config, logger, env: process.env })
  servers.push(server)
  return server
}
