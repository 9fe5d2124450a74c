import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FakeGitHub } from '@agentapi-proxy/fake-github'
import type { AuditEntry, AuditPage } from '@agentapi-proxy/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import {
  APP,
  fixtureAuthConfig,
  PATS,
  REDIRECT_URI,
  startFixtureGitHub,
} from '../auth/github-fixture.ts'
import { ConfigSchema } from '../config/index.ts'
import { type RunningServer, startServer } from '../server.ts'
import { eventually } from '../testing/eventually.ts'
import { TempDirs } from '../testing/temp-dir.ts'

// Every audited action done through the real API, then read back through GET /audit.

const KEYS = {
  alice: 'alice-static-key-0000000001',
  bob: 'bob-static-key-00000000000002',
  admin: 'admin-static-key-0000000003',
}
const member = ['session:create', 'session:list', 'session:delete', 'session:access'] as const
const dirs = new TempDirs()
let github: FakeGitHub
let server: RunningServer
let dbFile: string
const secrets: string[] = [...Object.values(KEYS), ...Object.values(PATS), APP.client_secret]
const did = { session: '', key: '' }

async function call(who: keyof typeof KEYS | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = who ? { 'x-api-key': KEYS[who] } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  // Sent by a client that forges its address: not trusted, as no proxy is configured as trusted.
  headers['x-forwarded-for'] = '198.51.100.66'
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function oauthSignInAndOut(): Promise<void> {
  const authorize = await call(null, 'POST', '/oauth/authorize', { redirect_uri: REDIRECT_URI })
  const back = await github.consent(String(authorize.body.auth_url), { login: 'ada' })
  const tokens = (await call(null, 'GET', `/oauth/callback${back.search}`)).body
  const access = String(tokens.access_token)
  secrets.push(
    access,
    String(tokens.refresh_token),
    ...github.world.oauthTokens().map((t) => t.token),
  )
  const logout = await fetch(`${server.url}/oauth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access}` },
  })
  expect(logout.status).toBe(200)
  // A second sign-out of the same token does nothing, and is not recorded again.
  await fetch(`${server.url}/oauth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access}` },
  })
}

beforeAll(async () => {
  github = await startFixtureGitHub()
  const dir = dirs.make('aap-audit-')
  dbFile = join(dir, 'proxy.sqlite')
  const api_keys = [
    { key: KEYS.alice, user_id: 'alice', role: 'member' as const, permissions: [...member] },
    { key: KEYS.bob, user_id: 'bob', role: 'member' as const, permissions: [...member] },
    { key: KEYS.admin, user_id: 'root', role: 'admin' as const, permissions: ['*' as const] },
  ]
  const config = ConfigSchema.parse({
    port: 0,
    start_port: 20_000 + Math.floor(Math.random() * 30_000),
    auth: fixtureAuthConfig(github, { static: { api_keys } }),
    persistence: { path: dbFile },
    session: {
      workdir_root: join(dir, 'sessions'),
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
    },
  })
  const env = { ...process.env, ECHO_AGENT_DELAY_MS: '20' }
  server = await startServer({ config, logger: captureLogs().logger, env })

  const started = await call('alice', 'POST', '/start', {})
  did.session = String(started.body.session_id)
  await eventually(async () =>
    (await call('alice', 'GET', `/sessions/${did.session}`)).body.status === 'active'
      ? true
      : undefined,
  )
  const shared = await call('alice', 'POST', `/sessions/${did.session}/share`, {})
  expect(shared.status).toBe(201)
  secrets.push(String(shared.body.token))
  const shareId = String(shared.body.id)
  expect((await call('alice', 'DELETE', `/sessions/${did.session}/share/${shareId}`)).status).toBe(
    200,
  )
  // Revoking all when none is left revokes nothing, and is not recorded.
  expect((await call('alice', 'DELETE', `/sessions/${did.session}/share`)).status).toBe(200)
  expect((await call('alice', 'DELETE', `/sessions/${did.session}`)).status).toBe(200)
  const created = await call('alice', 'POST', '/api-keys', { name: 'laptop' })
  did.key = String(created.body.id)
  secrets.push(String(created.body.key))
  expect((await call('alice', 'DELETE', `/api-keys/${did.key}`)).status).toBe(200)
  // Refused actions are not audited: bob may not delete alice's (already deleted) session.
  expect((await call('bob', 'DELETE', `/sessions/${did.session}`)).status).toBe(404)
  await oauthSignInAndOut()
}, 60_000)

afterAll(async () => {
  await server?.close()
  await github?.close()
  await dirs.removeAll()
})

async function everything(query = ''): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = []
  let cursor: string | null = ''
  while (cursor !== null) {
    const sep = query ? '&' : ''
    const page = await call(
      'admin',
      'GET',
      `/audit?limit=2&${query}${sep}${cursor ? `cursor=${cursor}` : ''}`,
    )
    expect(page.status).toBe(200)
    const body = page.body as unknown as AuditPage
    entries.push(...body.entries)
    cursor = body.next_cursor
  }
  return entries
}

describe('the audit log through the API', () => {
  it('records each audited action once, with its principal, target and source', async () => {
    const entries = await everything()
    const once = (action: string) => {
      const found = entries.filter((entry) => entry.action === action)
      expect(found, action).toHaveLength(1)
      return found[0] as AuditEntry
    }
    const alice = { user_id: 'alice', auth_method: 'api_key', source: '127.0.0.1' }
    expect(once('session.start')).toMatchObject({ ...alice, target: did.session })
    expect(once('session.delete')).toMatchObject({ ...alice, target: did.session })
    expect(once('session.share')).toMatchObject({ ...alice, target: did.session })
    expect(once('session.unshare')).toMatchObject({ ...alice, target: did.session })
    expect(once('api_key.create')).toMatchObject({ ...alice, target: did.key })
    expect(once('api_key.revoke')).toMatchObject({ ...alice, target: did.key })
    // ada is GitHub user 3.
    const ada = { user_id: '3', auth_method: 'oauth', target: null, source: '127.0.0.1' }
    expect(once('auth.sign_in')).toMatchObject(ada)
    expect(once('auth.sign_out')).toMatchObject(ada)
    expect(entries).toHaveLength(8)
    for (const entry of entries) expect(entry.request_id).toMatch(/\S/)
    // Newest first: the sign-out is the last thing that happened.
    expect(entries.map((entry) => entry.action)).toEqual([
      'auth.sign_out',
      'auth.sign_in',
      'api_key.revoke',
      'api_key.create',
      'session.delete',
      'session.unshare',
      'session.share',
      'session.start',
    ])
  })

  it('filters by user, action and time', async () => {
    expect((await everything('user_id=alice')).map((e) => e.action)).toHaveLength(6)
    expect((await everything('action=api_key.create')).map((e) => e.target)).toEqual([did.key])
    const all = await everything()
    const signIn = all.find((entry) => entry.action === 'auth.sign_in') as AuditEntry
    const since = encodeURIComponent(signIn.at)
    expect((await everything(`since=${since}`)).map((e) => e.action)).toEqual([
      'auth.sign_out',
      'auth.sign_in',
    ])
    expect((await everything(`until=${since}`)).map((e) => e.action)).not.toContain('auth.sign_in')
  })

  it('is for admins only: bob gets 403, nobody 401', async () => {
    const bob = await call('bob', 'GET', '/audit')
    expect(bob.status).toBe(403)
    expect(bob.body.code).toBe('forbidden')
    expect((await call(null, 'GET', '/audit')).status).toBe(401)
  })

  it('names a bad filter or cursor (422)', async () => {
    const bad = await call('admin', 'GET', '/audit?action=session.explode')
    expect(bad.status).toBe(422)
    expect(JSON.stringify(bad.body.errors)).toContain('action')
    expect((await call('admin', 'GET', '/audit?cursor=bm90LWEtY3Vyc29y')).status).toBe(422)
  })

  it('never holds a secret: not in a row, not anywhere in the database file', async () => {
    const rows = JSON.stringify(await everything())
    const file = Buffer.concat(
      await Promise.all(
        [dbFile, `${dbFile}-wal`].map((path) => readFile(path).catch(() => Buffer.alloc(0))),
      ),
    ).toString('latin1')
    expect(secrets.length).toBeGreaterThan(8)
    for (const secret of secrets) {
      expect(rows).not.toContain(secret)
      expect(file).not.toContain(secret)
    }
  })
})
