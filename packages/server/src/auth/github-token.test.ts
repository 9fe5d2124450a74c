import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { GitHubClient } from './github-client.ts'
import { fixtureAuthConfig, PATS, startFixtureGitHub } from './github-fixture.ts'
import { type CachedIdentity, GitHubTokenResolver } from './github-token.ts'
import { hashSecret } from './secret.ts'

async function setup(options: { cacheTtlMs?: number } = {}) {
  const github = await startFixtureGitHub()
  const auth = fixtureAuthConfig(github)
  let now = 1_000_000
  const cache = new Map<string, CachedIdentity>()
  const resolver = new GitHubTokenResolver({
    client: new GitHubClient({ baseUrl: auth.github.base_url }),
    mapping: auth.github.user_mapping,
    cache,
    clock: () => now,
    ...options,
  })
  const userCalls = () => github.requests.filter((r) => r.path === '/user').length
  return { github, resolver, cache, userCalls, advance: (ms: number) => (now += ms) }
}

describe('GitHubTokenResolver', () => {
  it.each([
    ['ada', PATS.ada, '3', 'admin', ['session:list', '*', 'session:create', 'session:access']],
    [
      'octocat',
      PATS.octocat,
      '583231',
      'developer',
      ['session:list', 'session:create', 'session:access'],
    ],
    ['hubot', PATS.hubot, '2', 'member', ['session:list']],
  ])('maps %s by numeric id and teams', async (login, token, user_id, role, permissions) => {
    const { github, resolver } = await setup()
    await using _ = github
    const identity = await resolver.resolve(token)
    expect(identity.principal).toEqual({ user_id, role, permissions, auth_type: 'github' })
    expect(identity.login).toBe(login)
  })

  it('caches the answer under the SHA-256 of the token, never the token', async () => {
    const { github, resolver, cache, userCalls } = await setup()
    await using _ = github
    await resolver.resolve(PATS.octocat)
    await resolver.resolve(PATS.octocat)
    expect(userCalls()).toBe(1)
    expect([...cache.keys()]).toEqual([hashSecret(PATS.octocat)])
    expect(cache.has(PATS.octocat)).toBe(false)
    expect(JSON.stringify([...cache])).not.toContain(PATS.octocat)
  })

  it('asks GitHub again once the cache entry is older than its TTL', async () => {
    const { github, resolver, userCalls, advance } = await setup({ cacheTtlMs: 1_000 })
    await using _ = github
    await resolver.resolve(PATS.octocat)
    advance(999)
    await resolver.resolve(PATS.octocat)
    expect(userCalls()).toBe(1)
    advance(1)
    await resolver.resolve(PATS.octocat)
    expect(userCalls()).toBe(2)
  })

  it('shares one round of GitHub calls between concurrent look-ups of a token', async () => {
    const { github, resolver, userCalls } = await setup()
    await using _ = github
    await Promise.all([1, 2, 3].map(() => resolver.resolve(PATS.ada)))
    expect(userCalls()).toBe(1)
  })

  it('forgets a token on request, so the next use asks GitHub', async () => {
    const { github, resolver, cache, userCalls } = await setup()
    await using _ = github
    await resolver.resolve(PATS.hubot)
    resolver.forget(PATS.hubot)
    expect(cache.size).toBe(0)
    await resolver.resolve(PATS.hubot)
    expect(userCalls()).toBe(2)
  })

  it('refuses a token GitHub does not know, and caches nothing', async () => {
    const { github, resolver, cache } = await setup()
    await using _ = github
    await expect(resolver.resolve('ghp_unknown')).rejects.toMatchObject({ code: 'unauthorized' })
    expect(cache.size).toBe(0)
  })

  it('fails loudly (forbidden) rather than mapping no roles when teams cannot be read', async () => {
    const { github, resolver } = await setup()
    await using _ = github
    const noOrgScope = github.addToken('ada', ['read:user'])
    const error = await resolver.resolve(noOrgScope).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('forbidden')
  })

  it('skips the teams call when no team mapping is configured', async () => {
    await using github = await startFixtureGitHub()
    const auth = fixtureAuthConfig(github, { github: { user_mapping: {} } })
    const resolver = new GitHubTokenResolver({
      client: new GitHubClient({ baseUrl: github.url }),
      mapping: auth.github.user_mapping,
    })
    const { principal } = await resolver.resolve(PATS.ada)
    expect(principal.role).toBe('member')
    expect(github.requests.map((r) => r.path)).toEqual(['/user'])
  })
})
