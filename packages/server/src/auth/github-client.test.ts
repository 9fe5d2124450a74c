import { startFakeGitHub } from '@agentapi-proxy/fake-github'
import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { closedPort } from '../testing/closed-port.ts'
import { GitHubClient } from './github-client.ts'
import { APP, PATS, startFixtureGitHub } from './github-fixture.ts'

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`)
  return error
}

describe('GitHubClient', () => {
  it.each([
    ['github.com layout', (url: string) => url],
    ['GitHub Enterprise layout (/api/v3)', (url: string) => `${url}/api/v3/`],
  ])('reads the user and teams in the %s', async (_, base) => {
    await using github = await startFixtureGitHub()
    const client = new GitHubClient({ baseUrl: base(github.url) })
    expect(await client.user(PATS.ada)).toEqual({
      id: 3,
      login: 'ada',
      name: 'Ada Lovelace',
      email: null,
    })
    expect(await client.teams(PATS.ada)).toEqual([
      { org: 'acme', slug: 'platform-admins' },
      { org: 'acme', slug: 'developers' },
    ])
    expect(await client.orgs(PATS.ada)).toEqual(['acme'])
    const paths = github.requests.map((request) => request.path)
    expect(paths.every((path) => path.startsWith(base('').replace(/\/$/, '') || '/'))).toBe(true)
  })

  it('follows rel="next" to the last page of teams', async () => {
    const teams = Array.from({ length: 150 }, (_, i) => ({
      org: 'big',
      slug: `team-${i}`,
      members: ['ada'],
    }))
    await using github = await startFakeGitHub({
      users: [{ id: 3, login: 'ada', tokens: [PATS.ada] }],
      teams,
    })
    const client = new GitHubClient({ baseUrl: github.url })
    const found = await client.teams(PATS.ada)
    expect(found).toHaveLength(150)
    expect(found.at(-1)).toEqual({ org: 'big', slug: 'team-149' })
    expect(github.requests.map((r) => r.path)).toEqual([
      '/user/teams?per_page=100',
      '/user/teams?per_page=100&page=2',
    ])
  })

  it('turns Bad credentials into unauthorized, without the token in the detail', async () => {
    await using github = await startFixtureGitHub()
    const client = new GitHubClient({ baseUrl: github.url })
    const error = await failure(client.user('ghp_revoked_or_never_issued'))
    expect(error.code).toBe('unauthorized')
    expect(error.detail).toMatch(/Bad credentials/)
    expect(error.detail).not.toContain('ghp_revoked_or_never_issued')
  })

  it('turns a missing read:org scope into forbidden that names the scopes', async () => {
    await using github = await startFixtureGitHub()
    const narrow = github.addToken('octocat', [])
    const error = await failure(new GitHubClient({ baseUrl: github.url }).teams(narrow))
    expect(error.code).toBe('forbidden')
    expect(error.detail).toContain('read:org')
  })

  it('turns a spent rate limit into service_unavailable with Retry-After', async () => {
    await using github = await startFakeGitHub({
      users: [{ id: 3, login: 'ada', tokens: [PATS.ada] }],
      rateLimit: 1,
    })
    const client = new GitHubClient({ baseUrl: github.url })
    await client.user(PATS.ada)
    const error = await failure(client.user(PATS.ada))
    expect(error.code).toBe('service_unavailable')
    expect(Number(error.headers['Retry-After'])).toBeGreaterThan(0)
  })

  it('reports an unreachable GitHub clearly, as service_unavailable', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/api/v3`
    const error = await failure(new GitHubClient({ baseUrl }).user(PATS.ada))
    expect(error.code).toBe('service_unavailable')
    expect(error.detail).toBe(`Could not reach GitHub at ${baseUrl} (ECONNREFUSED) for /user`)
  })

  it('revokes an OAuth token with the app credentials; 404 afterwards counts as gone', async () => {
    await using github = await startFixtureGitHub()
    const query = new URLSearchParams({
      client_id: APP.client_id,
      redirect_uri: 'http://127.0.0.1:1/cb',
    })
    const back = await github.consent(`${github.url}/login/oauth/authorize?${query}`, {
      login: 'ada',
    })
    const res = await fetch(`${github.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ ...APP, code: back.searchParams.get('code') ?? '' }),
    })
    const { access_token } = await res.json()
    const client = new GitHubClient({ baseUrl: github.url })
    expect(await client.revoke(APP, access_token, 'token')).toBe('revoked')
    expect(await client.revoke(APP, access_token, 'token')).toBe('gone')
    expect(github.isTokenActive(access_token)).toBe(false)
  })
})
