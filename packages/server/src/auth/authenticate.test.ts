import type { FakeGitHub } from '@agentapi-proxy/fake-github'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigSchema } from '../config/schema.ts'
import { AppError } from '../errors.ts'
import { MemoryApiKeyStore } from './api-key-store.ts'
import { ApiKeyService } from './api-keys.ts'
import {
  type AuthConfig,
  type AuthenticatorDeps,
  authStatus,
  authTypes,
  createAuthenticator,
  type RequestHeaders,
} from './authenticate.ts'
import { GitHubClient } from './github-client.ts'
import { fixtureAuthConfig, PATS, REDIRECT_URI, startFixtureGitHub } from './github-fixture.ts'
import { OAuthService } from './github-oauth.ts'
import { GitHubTokenResolver } from './github-token.ts'
import { MemoryOAuthStateStore, MemoryOAuthTokenStore } from './oauth-store.ts'
import { ANONYMOUS_ADMIN } from './principal.ts'
import { loadStaticKeys } from './static-keys.ts'

const STATIC_KEY = 'static-key-for-the-ci-robot-0001'
const alice = {
  user_id: 'alice',
  role: 'member',
  permissions: ['session:list'] as const,
  auth_type: 'api_key',
} as const

let github: FakeGitHub
afterEach(() => github?.close())

async function setup(overrides: Parameters<typeof fixtureAuthConfig>[1] = {}) {
  github = await startFixtureGitHub()
  const auth = fixtureAuthConfig(github, {
    ...overrides,
    static: {
      api_keys: [{ key: STATIC_KEY, user_id: 'ci', role: 'admin', permissions: ['*'] }],
      ...overrides.static,
    },
  })
  if (!auth.github.oauth) throw new Error('the fixture configures OAuth')
  const client = new GitHubClient({ baseUrl: auth.github.base_url })
  const githubTokens = new GitHubTokenResolver({ client, mapping: auth.github.user_mapping })
  const apiKeys = new ApiKeyService({ store: new MemoryApiKeyStore() })
  const oauth = new OAuthService({
    oauth: auth.github.oauth,
    github: client,
    resolver: githubTokens,
    states: new MemoryOAuthStateStore(),
    tokens: new MemoryOAuthTokenStore(),
  })
  const deps: AuthenticatorDeps = {
    staticKeys: await loadStaticKeys(auth.static),
    apiKeys,
    oauth,
    githubTokens,
  }
  return { auth, deps, apiKeys, oauth, authenticate: createAuthenticator(auth, deps) }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`)
  return error
}

const githubCalls = () => github.requests.filter((r) => r.path.startsWith('/user')).length

describe('createAuthenticator', () => {
  it('makes every caller the anonymous admin while auth is disabled', async () => {
    const auth = ConfigSchema.parse({}).auth
    const authenticate = createAuthenticator(auth, {})
    expect(await authenticate({})).toBe(ANONYMOUS_ADMIN)
  })

  it('says what to send when no credentials came, with a Bearer challenge', async () => {
    const { authenticate } = await setup()
    const error = await failure(authenticate({ authorization: 'Basic Zm9vOmJhcg==' }))
    expect(error.code).toBe('unauthorized')
    expect(error.detail).toBe(
      'No credentials: send an API key in the X-API-Key header, or an API key, a GitHub token ' +
        'or a token from /oauth as "Authorization: Bearer <token>"',
    )
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="agentapi-proxy"')
  })

  it('says that invalid credentials are invalid, without echoing them', async () => {
    const { authenticate } = await setup()
    const error = await failure(authenticate({ 'x-api-key': 'ghp_not_a_real_token_at_all' }))
    expect(error.code).toBe('unauthorized')
    expect(error.detail).toBe('The credentials sent are not valid: unknown, revoked or mistyped')
  })

  it.each([
    ['the X-API-Key header', { 'X-API-Key': STATIC_KEY }],
    ['an array-valued header', { 'x-api-key': [STATIC_KEY, 'ignored'] }],
    ['a Bearer token', { authorization: `Bearer ${STATIC_KEY}` }],
  ] as [string, RequestHeaders][])('accepts a static key from %s', async (_, headers) => {
    const { authenticate } = await setup()
    expect(await authenticate(headers)).toEqual({
      user_id: 'ci',
      role: 'admin',
      permissions: ['*'],
      auth_type: 'api_key',
      credential: expect.objectContaining({
        ids: [expect.stringMatching(/^static:[0-9a-f]{24}$/)],
      }),
    })
    expect(githubCalls()).toBe(0)
  })

  it('reads the header named in the config', async () => {
    const { authenticate } = await setup({ static: { header_name: 'X-Proxy-Key' } })
    expect(await authenticate({ 'x-proxy-key': STATIC_KEY })).toMatchObject({ user_id: 'ci' })
    await failure(authenticate({ 'x-api-key': STATIC_KEY }))
  })

  it('accepts managed API keys, and refuses them once revoked', async () => {
    const { authenticate, apiKeys } = await setup()
    const { key, id } = await apiKeys.create(alice, { name: 'laptop' })
    expect(await authenticate({ 'x-api-key': key })).toMatchObject({ user_id: 'alice' })
    await apiKeys.revoke(alice, id)
    expect((await failure(authenticate({ 'x-api-key': key }))).code).toBe('unauthorized')
    expect(githubCalls()).toBe(0)
  })

  it('refuses an expired managed key with credentials_expired', async () => {
    const { auth, deps } = await setup()
    let now = Date.parse('2026-01-01T00:00:00Z')
    const apiKeys = new ApiKeyService({ store: new MemoryApiKeyStore(), clock: () => now })
    const authenticate = createAuthenticator(auth, { ...deps, apiKeys })
    const { key } = await apiKeys.create(alice, { name: 'x', expires_at: '2026-01-02T00:00:00Z' })
    now = Date.parse('2026-01-03T00:00:00Z')
    const error = await failure(authenticate({ 'x-api-key': key }))
    expect(error.code).toBe('credentials_expired')
    expect(error.detail).toContain('expired at 2026-01-02T00:00:00.000Z')
  })

  it('accepts the proxy’s OAuth access tokens, and not its refresh tokens', async () => {
    const { authenticate, oauth } = await setup()
    const { auth_url, state } = await oauth.authorize(REDIRECT_URI)
    const back = await github.consent(auth_url, { login: 'octocat' })
    const tokens = await oauth.callback(back.searchParams.get('code') ?? '', state)
    const before = githubCalls()
    const principal = await authenticate({ authorization: `Bearer ${tokens.access_token}` })
    expect(principal).toMatchObject({ user_id: '583231', role: 'developer', auth_type: 'oauth' })
    await failure(authenticate({ authorization: `Bearer ${tokens.refresh_token}` }))
    expect(githubCalls()).toBe(before)
  })

  it('accepts GitHub personal tokens, from either header', async () => {
    const { authenticate } = await setup()
    expect(await authenticate({ authorization: `token ${PATS.ada}` })).toMatchObject({
      user_id: '3',
      role: 'admin',
      auth_type: 'github',
    })
    expect(await authenticate({ 'x-api-key': PATS.hubot })).toMatchObject({ user_id: '2' })
  })

  it('never asks GitHub while GitHub auth is off', async () => {
    const { authenticate } = await setup({ github: { enabled: false } })
    await failure(authenticate({ authorization: `Bearer ${PATS.ada}` }))
    expect(githubCalls()).toBe(0)
  })

  it('never sends the proxy’s own credentials to GitHub', async () => {
    const { authenticate } = await setup()
    for (const token of ['aap_unknownkey', 'aapo_unknowntoken', 'aapr_unknownrefresh']) {
      await failure(authenticate({ authorization: `Bearer ${token}` }))
    }
    expect(githubCalls()).toBe(0)
  })

  it('reports GitHub being unreachable as such, not as bad credentials', async () => {
    const { authenticate } = await setup()
    await github.close()
    const error = await failure(authenticate({ authorization: `Bearer ${PATS.ada}` }))
    expect(error.code).toBe('service_unavailable')
  })

  it('puts no secret into any error detail', async () => {
    const { authenticate, apiKeys } = await setup()
    const { key, id } = await apiKeys.create(alice, { name: 'x' })
    await apiKeys.revoke(alice, id)
    const attempts: RequestHeaders[] = [
      { 'x-api-key': key },
      { 'x-api-key': `${STATIC_KEY}x` },
      { authorization: `Bearer ${PATS.ada}x` },
      { authorization: 'Bearer aapo_guess' },
    ]
    for (const headers of attempts) {
      const error = await failure(authenticate(headers))
      const secret = String(Object.values(headers)[0]).replace(/^Bearer /, '')
      expect(JSON.stringify(error.toProblem())).not.toContain(secret)
      expect(error.message).not.toContain(secret)
    }
  })
})

describe('authTypes', () => {
  it.each([
    ['auth off', {}, false, [false, false, false]],
    ['static keys only', { enabled: true, static: { enabled: true } }, true, [true, false, false]],
    ['GitHub tokens', { enabled: true, github: { enabled: true } }, true, [true, true, false]],
    [
      'GitHub OAuth',
      {
        enabled: true,
        github: { enabled: true, oauth: { client_id: 'id', client_secret: 'secret' } },
      },
      true,
      [true, true, true],
    ],
  ])('reports %s', (_, input, enabled, available) => {
    const auth: AuthConfig = ConfigSchema.parse({ auth: input }).auth
    const types = authTypes(auth)
    expect(types.enabled).toBe(enabled)
    expect(types.types.map((t) => [t.type, t.available])).toEqual([
      ['api_key', available[0]],
      ['github', available[1]],
      ['oauth', available[2]],
    ])
  })
})

describe('authStatus', () => {
  it('describes an authenticated caller', () => {
    expect(authStatus({ ...alice, permissions: ['session:list'] })).toEqual({
      authenticated: true,
      auth_type: 'api_key',
      user_id: 'alice',
      role: 'member',
      permissions: ['session:list'],
    })
  })

  it('describes the anonymous admin as not authenticated', () => {
    expect(authStatus(ANONYMOUS_ADMIN)).toEqual({
      authenticated: false,
      auth_type: 'none',
      user_id: 'anonymous',
      role: 'admin',
      permissions: ['*'],
    })
  })
})
