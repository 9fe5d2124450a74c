import type { FakeGitHub } from '@agentapi-proxy/fake-github'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { createLogger } from '../logger.ts'
import { GitHubClient } from './github-client.ts'
import { APP, fixtureAuthConfig, REDIRECT_URI, startFixtureGitHub } from './github-fixture.ts'
import { OAuthService } from './github-oauth.ts'
import { GitHubTokenResolver } from './github-token.ts'
import { MemoryOAuthStateStore, MemoryOAuthTokenStore } from './oauth-store.ts'

const HOUR = 3_600_000
let github: FakeGitHub
afterEach(() => github?.close())

async function setup(options: { enterprise?: boolean; cacheTtlMs?: number } = {}) {
  github = await startFixtureGitHub()
  const auth = fixtureAuthConfig(github)
  const client = new GitHubClient({
    baseUrl: options.enterprise ? github.enterpriseApiUrl : auth.github.base_url,
  })
  let now = Date.parse('2026-03-01T09:00:00Z')
  const logLines: string[] = []
  const oauth = new OAuthService({
    oauth: auth.github.oauth ?? {
      ...APP,
      scope: '',
      base_url: '',
      allowed_redirect_uris: [],
      loopback_redirects: false,
    },
    github: client,
    resolver: new GitHubTokenResolver({
      client,
      mapping: auth.github.user_mapping,
      cacheTtlMs: options.cacheTtlMs,
    }),
    states: new MemoryOAuthStateStore(),
    tokens: new MemoryOAuthTokenStore(),
    logger: createLogger({ destination: { write: (line: string) => logLines.push(line) } }),
    clock: () => now,
  })
  return { oauth, logLines, advance: (ms: number) => (now += ms) }
}

/** authorize → GitHub's consent page (Authorize clicked as `login`) → callback. */
async function signIn(oauth: OAuthService, login = 'ada') {
  const { auth_url, state } = await oauth.authorize(REDIRECT_URI)
  const back = await github.consent(auth_url, { login })
  expect(back.searchParams.get('state')).toBe(state)
  return oauth.callback(back.searchParams.get('code') ?? '', state)
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`)
  return error
}

const exchanges = () => github.requests.filter((r) => r.path === '/login/oauth/access_token')

describe('OAuthService', () => {
  it('signs in through GitHub and issues its own tokens, never GitHub’s', async () => {
    const { oauth } = await setup()
    const { auth_url } = await oauth.authorize(REDIRECT_URI)
    const url = new URL(auth_url)
    expect(`${url.origin}${url.pathname}`).toBe(`${github.url}/login/oauth/authorize`)
    expect(url.searchParams.get('client_id')).toBe(APP.client_id)
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT_URI)
    expect(url.searchParams.get('scope')).toBe('read:user read:org')
    const tokens = await signIn(oauth)
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^aapo_[A-Za-z0-9_-]{43}$/),
      refresh_token: expect.stringMatching(/^aapr_[A-Za-z0-9_-]{43}$/),
      token_type: 'Bearer',
      expires_at: '2026-03-01T17:00:00.000Z',
      user: {
        id: '3',
        login: 'ada',
        name: 'Ada Lovelace',
        role: 'admin',
        permissions: expect.arrayContaining(['*']),
      },
    })
    expect(JSON.stringify(tokens)).not.toMatch(/gho_/)
    expect(await oauth.authenticateToken(tokens.access_token)).toMatchObject({
      user_id: '3',
      role: 'admin',
      auth_type: 'oauth',
    })
  })

  it('accepts a state once: a replayed callback is refused without asking GitHub', async () => {
    const { oauth } = await setup()
    const { auth_url, state } = await oauth.authorize(REDIRECT_URI)
    const back = await github.consent(auth_url, { login: 'octocat' })
    const code = back.searchParams.get('code') ?? ''
    await oauth.callback(code, state)
    const replay = await failure(oauth.callback(code, state))
    expect(replay.code).toBe('bad_request')
    expect(replay.detail).toMatch(/already used/)
    expect(exchanges()).toHaveLength(1)
  })

  it('refuses an unknown or expired state without asking GitHub', async () => {
    const { oauth, advance } = await setup()
    expect((await failure(oauth.callback('code', 'made-up-state'))).code).toBe('bad_request')
    const { auth_url, state } = await oauth.authorize(REDIRECT_URI)
    const back = await github.consent(auth_url, { login: 'ada' })
    advance(10 * 60_000)
    const late = await failure(oauth.callback(back.searchParams.get('code') ?? '', state))
    expect(late.code).toBe('bad_request')
    expect(exchanges()).toHaveLength(0)
  })

  it('refuses a redirect_uri that is not exactly one of allowed_redirect_uris', async () => {
    const { oauth } = await setup()
    for (const uri of ['http://evil.example/callback', `${REDIRECT_URI}/`, `${REDIRECT_URI}?x=1`]) {
      const error = await failure(oauth.authorize(uri))
      expect(error.code).toBe('invalid_request')
      expect(error.errors?.[0]?.path).toBe('redirect_uri')
    }
  })

  it('reports a code GitHub refuses as unauthorized, without the code or the client secret', async () => {
    const { oauth } = await setup()
    const { state } = await oauth.authorize(REDIRECT_URI)
    const error = await failure(oauth.callback('0123456789abcdef0123', state))
    expect(error.code).toBe('unauthorized')
    expect(error.detail).toContain('bad_verification_code')
    expect(error.detail).not.toContain('0123456789abcdef0123')
    expect(error.detail).not.toContain(APP.client_secret)
  })

  it('rotates both tokens on refresh: the old pair stops working', async () => {
    const { oauth, advance } = await setup()
    const first = await signIn(oauth)
    advance(HOUR)
    const second = await oauth.refresh(first.refresh_token)
    expect(second.access_token).not.toBe(first.access_token)
    expect(second.expires_at).toBe('2026-03-01T18:00:00.000Z')
    expect((await failure(oauth.authenticateToken(first.access_token))).code).toBe('unauthorized')
    expect(await oauth.authenticateToken(second.access_token)).toMatchObject({ user_id: '3' })
    expect((await failure(oauth.refresh(first.refresh_token))).code).toBe('unauthorized')
  })

  it('ends the whole sign-in when a spent refresh token is used again', async () => {
    const { oauth } = await setup()
    const first = await signIn(oauth)
    const second = await oauth.refresh(first.refresh_token)
    await failure(oauth.refresh(first.refresh_token))
    expect((await failure(oauth.authenticateToken(second.access_token))).code).toBe('unauthorized')
    expect((await failure(oauth.refresh(second.refresh_token))).code).toBe('unauthorized')
  })

  it('says an access token expired (credentials_expired) and when; refresh still works', async () => {
    const { oauth, advance } = await setup()
    const tokens = await signIn(oauth)
    advance(8 * HOUR)
    const error = await failure(oauth.authenticateToken(tokens.access_token))
    expect(error.code).toBe('credentials_expired')
    expect(error.detail).toContain('expired at 2026-03-01T17:00:00.000Z')
    expect(error.detail).not.toContain(tokens.access_token)
    const renewed = await oauth.refresh(tokens.refresh_token)
    expect(await oauth.authenticateToken(renewed.access_token)).toMatchObject({ user_id: '3' })
  })

  it('logs out: the tokens are refused and GitHub saw its token revoked', async () => {
    const { oauth } = await setup()
    const tokens = await signIn(oauth, 'octocat')
    expect(await oauth.logout(tokens.access_token)).toEqual({ status: 'logged_out' })
    expect((await failure(oauth.authenticateToken(tokens.access_token))).code).toBe('unauthorized')
    expect((await failure(oauth.refresh(tokens.refresh_token))).code).toBe('unauthorized')
    expect(github.revocations).toEqual([
      {
        kind: 'token',
        client_id: APP.client_id,
        login: 'octocat',
        tokens: [expect.stringMatching(/^gho_/)],
      },
    ])
    expect(github.isTokenActive(github.revocations[0]?.tokens[0] ?? '')).toBe(false)
    expect(await oauth.logout(tokens.access_token)).toEqual({ status: 'logged_out' })
    expect(github.revocations).toHaveLength(1)
  })

  it('revokes at GitHub through the GHES layout (/api/v3) too', async () => {
    const { oauth } = await setup({ enterprise: true })
    const tokens = await signIn(oauth)
    await oauth.logout(tokens.access_token)
    expect(
      github.requests.some(
        (r) =>
          r.method === 'DELETE' &&
          r.path === `/api/v3/applications/${APP.client_id}/token` &&
          r.status === 204,
      ),
    ).toBe(true)
  })

  it('logs out locally even when GitHub is down, and logs no secret', async () => {
    const { oauth, logLines } = await setup()
    const tokens = await signIn(oauth)
    const githubToken = currentGitHubToken()
    await github.close()
    expect(await oauth.logout(tokens.access_token)).toEqual({ status: 'logged_out' })
    expect((await failure(oauth.authenticateToken(tokens.access_token))).code).toBe('unauthorized')
    const log = logLines.join('\n')
    expect(log).toContain('could not revoke the GitHub token at logout')
    for (const secret of [
      tokens.access_token,
      tokens.refresh_token,
      githubToken,
      APP.client_secret,
    ]) {
      expect(log).not.toContain(secret)
    }
  })

  it('refuses a refresh once GitHub no longer accepts the sign-in', async () => {
    const { oauth } = await setup({ cacheTtlMs: 0 })
    const tokens = await signIn(oauth)
    await new GitHubClient({ baseUrl: github.url }).revoke(APP, currentGitHubToken(), 'grant')
    const error = await failure(oauth.refresh(tokens.refresh_token))
    expect(error.code).toBe('unauthorized')
    expect(error.detail).toMatch(/GitHub no longer accepts/)
    expect((await failure(oauth.authenticateToken(tokens.access_token))).code).toBe('unauthorized')
  })
})

// The gho_ token GitHub issued in this test (each test signs in once before asking).
function currentGitHubToken(): string {
  const [record] = github.world.oauthTokens()
  if (!record) throw new Error('GitHub issued no OAuth token yet')
  return record.token
}
