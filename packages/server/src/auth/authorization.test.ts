import { join } from 'node:path'
import type { FakeGitHub } from '@agentapi-proxy/fake-github'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import { eventually } from '../../test/sessions-fixture.ts'
import { ConfigSchema } from '../config/index.ts'
import { type RunningServer, startServer } from '../server.ts'
import { TempDirs } from '../testing/temp-dir.ts'
import { APP, fixtureAuthConfig, PATS, REDIRECT_URI, startFixtureGitHub } from './github-fixture.ts'

// Every route × every kind of caller, through the real server (API and proxy path alike).
// alice owns the session the rows act on; bob is another user; the rest arrive by other means.

const KEYS = {
  alice: 'alice-static-key-0000000001',
  bob: 'bob-static-key-00000000000002',
  admin: 'admin-static-key-0000000003',
  expired: 'expired-static-key-00000004',
}

type Caller =
  | 'none'
  | 'alice'
  | 'bob'
  | 'admin'
  | 'expired'
  | 'revoked'
  | 'oauth'
  | 'github'
  | 'githubNoTeam'

const logs = captureLogs()
let github: FakeGitHub
let server: RunningServer
const credentials: Partial<Record<Caller, Record<string, string>>> = { none: {} }
const secrets: string[] = [...Object.values(KEYS), ...Object.values(PATS), APP.client_secret]
const responses: string[] = []
let session = ''

async function call(caller: Caller, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { ...credentials[caller] }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  responses.push(text)
  return { status: res.status, text }
}

async function aliceSession(): Promise<string> {
  const { text } = await call('alice', 'POST', '/start', { tags: { owner: 'alice' } })
  const id = JSON.parse(text).session_id as string
  await eventually(async () => {
    const { text: got } = await call('alice', 'GET', `/sessions/${id}`)
    return JSON.parse(got).status === 'active' ? true : undefined
  })
  return id
}

const dirs = new TempDirs()

beforeAll(async () => {
  github = await startFixtureGitHub()
  const dir = dirs.make('aap-authz-')
  const auth = fixtureAuthConfig(github, {
    static: {
      api_keys: [
        {
          key: KEYS.alice,
          user_id: 'alice',
          role: 'member',
          permissions: ['session:create', 'session:list', 'session:delete', 'session:access'],
        },
        {
          key: KEYS.bob,
          user_id: 'bob',
          role: 'member',
          permissions: ['session:create', 'session:list', 'session:delete', 'session:access'],
        },
        { key: KEYS.admin, user_id: 'root', role: 'admin', permissions: ['*'] },
        {
          key: KEYS.expired,
          user_id: 'carol',
          role: 'member',
          permissions: ['*'],
          expires_at: '2020-01-01T00:00:00Z',
        },
      ],
    },
  })
  const config = ConfigSchema.parse({
    port: 0,
    start_port: 20_000 + Math.floor(Math.random() * 30_000),
    auth,
    persistence: { path: join(dir, 'proxy.sqlite') },
    session: {
      workdir_root: join(dir, 'sessions'),
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
    },
  })
  server = await startServer({
    config,
    logger: logs.logger,
    env: { ...process.env, ECHO_AGENT_DELAY_MS: '20' },
  })
  for (const name of ['alice', 'bob', 'admin', 'expired'] as const)
    credentials[name] = { 'x-api-key': KEYS[name] }
  credentials.github = { authorization: `Bearer ${PATS.octocat}` }
  credentials.githubNoTeam = { authorization: `Bearer ${PATS.hubot}` }

  // A managed key, created by the admin for bob and then revoked: it must stop working.
  const created = JSON.parse(
    (await call('admin', 'POST', '/api-keys', { name: 'soon revoked', user_id: 'bob' })).text,
  )
  responses.pop() // the one response allowed to carry a secret
  secrets.push(created.key)
  expect((await call('admin', 'DELETE', `/api-keys/${created.id}`)).status).toBe(200)
  credentials.revoked = { 'x-api-key': created.key }

  // An OAuth sign-in through the fake GitHub's consent page: ada gets the proxy's own token.
  const { auth_url } = JSON.parse(
    (await call('none', 'POST', '/oauth/authorize', { redirect_uri: REDIRECT_URI })).text,
  )
  const back = await github.consent(auth_url, { login: 'ada' })
  const query = back.search
  const tokens = JSON.parse((await call('none', 'GET', `/oauth/callback${query}`)).text)
  responses.pop() // the sign-in response is where the proxy's token is handed over
  secrets.push(
    tokens.access_token,
    tokens.refresh_token,
    ...github.world.oauthTokens().map((t) => t.token),
  )
  credentials.oauth = { authorization: `Bearer ${tokens.access_token}` }

  session = await aliceSession()
}, 60_000)

afterAll(async () => {
  await server?.close()
  await github?.close()
  await dirs.removeAll()
})

// ada signs in through OAuth as a platform admin (acme/platform-admins → admin); octocat's
// GitHub token maps to developer through acme/*; hubot is in no mapped team: the default role,
// which may only list.
// One column per caller, in this order; 0 marks a cell not worth a request.
const COLUMNS: Caller[] = [
  'none',
  'alice',
  'bob',
  'admin',
  'expired',
  'revoked',
  'oauth',
  'github',
  'githubNoTeam',
]
// biome-ignore format: a matrix reads best as one
const MATRIX: [string, string, number[]][] = [
  //                             none alice bob admin expired revoked oauth github noTeam
  ['GET', '/health',             [200, 200,   0,   0, 200,   0,   0,   0,   0]],
  ['GET', '/auth/types',         [200,   0,   0,   0,   0,   0,   0,   0,   0]],
  ['GET', '/auth/status',        [401, 200, 200, 200, 401, 401, 200, 200, 200]],
  ['GET', '/search',             [401, 200, 200, 200, 401, 401, 200, 200, 200]],
  ['GET', '/sessions/{id}',      [401, 200, 404, 200, 401, 401, 200, 404, 404]],
  ['GET', '/sessions/{id}/logs', [401, 200, 404, 200, 401, 401, 200, 404, 403]],
  ['GET', '/{id}/status',        [401, 200, 404, 200, 401, 401, 200, 404, 403]],
  ['GET', '/{id}/messages',      [401, 200, 404, 200, 401, 401, 200, 404, 403]],
  ['GET', '/api-keys',           [401, 200, 200, 200, 401, 401, 200, 200,   0]],
  ['DELETE', '/sessions/{id}',   [401,   0, 404,   0, 401, 401,   0, 403, 403]],
]

describe('authorization matrix', () => {
  const rows = MATRIX.flatMap(([method, path, statuses]) =>
    COLUMNS.map((caller, i) => [method, path, caller, statuses[i] ?? 0] as const).filter(
      ([, , , status]) => status !== 0,
    ),
  )
  it.each(rows)('%s %s as %s → %i', async (method, path, caller, status) => {
    const { status: got, text } = await call(caller, method, path.replace('{id}', session))
    expect(got, text).toBe(status)
    if (status >= 400) expect(JSON.parse(text).status).toBe(status)
  })

  it.each([
    ['none', 401],
    ['alice', 201],
    ['admin', 201],
    ['expired', 401],
    ['revoked', 401],
    ['oauth', 201],
    ['github', 201],
    ['githubNoTeam', 403],
  ] as const)('POST /start as %s → %i', async (caller, status) => {
    const { status: got, text } = await call(caller, 'POST', '/start', {})
    expect(got, text).toBe(status)
    if (status === 201) await call('admin', 'DELETE', `/sessions/${JSON.parse(text).session_id}`)
  })

  it('says why a credential is refused', async () => {
    expect(JSON.parse((await call('expired', 'GET', '/search')).text)).toMatchObject({
      code: 'credentials_expired',
    })
    expect(JSON.parse((await call('none', 'GET', '/search')).text).detail).toContain('X-API-Key')
  })

  it('lets the owner and an admin delete, and nobody reach the session afterwards', async () => {
    expect((await call('alice', 'DELETE', `/sessions/${session}`)).status).toBe(200)
    const another = await aliceSession()
    expect((await call('admin', 'DELETE', `/sessions/${another}`)).status).toBe(200)
    expect((await call('alice', 'GET', `/${another}/status`)).status).toBe(410)
  })

  it('puts no secret in any log line or response but the one that hands it over', async () => {
    await server.close()
    const logged = logs.text()
    const answered = responses.join('\n')
    for (const secret of secrets) {
      expect(logged.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the logs`).toBe(
        false,
      )
      expect(answered.includes(secret), `a secret (${secret.slice(0, 6)}…) is in a response`).toBe(
        false,
      )
    }
    expect(logs.lines().length).toBeGreaterThan(50)
  })
})
