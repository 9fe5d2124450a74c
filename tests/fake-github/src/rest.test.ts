import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './server.ts'

const PAT = 'ghp_octocat000000000000000000000000000000'
const NARROW = 'ghp_narrow0000000000000000000000000000000'
const FINE = 'github_pat_11AAAAAAA0000000000000_finegrained'

function world(): FakeGitHubOptions {
  return {
    users: [
      {
        id: 583231,
        login: 'octocat',
        name: 'The Octocat',
        email: 'octocat@github.com',
        tokens: [
          PAT,
          { token: NARROW, scopes: [] },
          { token: FINE, scopes: null },
          { token: 'ghp_userscope', scopes: ['user'] },
        ],
      },
      { id: 2, login: 'hubot', name: null, tokens: ['ghp_hubot'] },
    ],
    orgs: [
      { login: 'github', description: null },
      { login: 'solo', members: ['octocat'] },
    ],
    teams: [
      { org: 'github', slug: 'justice-league', name: 'Justice League', members: ['octocat'] },
      { org: 'github', slug: 'admins', maintainers: ['octocat'], pending: ['hubot'] },
      { org: 'acme', slug: 'ops', members: ['octocat'] },
    ],
  }
}

let github: FakeGitHub
afterEach(() => github?.close())

async function get(path: string, token?: string, headers: Record<string, string> = {}) {
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  return fetch(`${github.url}${path}`, { headers: { ...authorization, ...headers } })
}

describe('fake GitHub REST API', () => {
  it('answers GET /user with the public user shape, JSON content type and GitHub headers', async () => {
    github = await startFakeGitHub(world())
    const res = await get('/user', PAT)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('x-oauth-scopes')).toBe('read:user, read:org, repo')
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4999')
    expect(res.headers.get('x-ratelimit-resource')).toBe('core')
    expect(res.headers.get('x-github-request-id')).toMatch(/^[0-9A-F-]+$/)
    const user = await res.json()
    expect(Object.keys(user).slice(0, 3)).toEqual(['login', 'id', 'node_id'])
    expect(user).toMatchObject({
      login: 'octocat',
      id: 583231,
      type: 'User',
      name: 'The Octocat',
      email: 'octocat@github.com',
      url: `${github.url}/users/octocat`,
    })
    expect(user).not.toHaveProperty('plan')
  })

  it('adds the private fields only with the user scope', async () => {
    github = await startFakeGitHub(world())
    const user = await (await get('/user', 'ghp_userscope')).json()
    expect(user.plan).toMatchObject({ name: 'free' })
  })

  it('accepts the `token` scheme as well as Bearer', async () => {
    github = await startFakeGitHub(world())
    const res = await get('/user', undefined, { authorization: `token ${PAT}` })
    expect(res.status).toBe(200)
  })

  it.each([
    ['no token', undefined, 'Requires authentication'],
    ['an unknown token', 'ghp_nobody', 'Bad credentials'],
  ])('answers 401 for %s', async (_, token, message) => {
    github = await startFakeGitHub(world())
    const res = await get('/user', token)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ message, status: '401' })
  })

  it('lists orgs (through teams and direct membership) in the organization-simple shape', async () => {
    github = await startFakeGitHub(world())
    const orgs = await (await get('/user/orgs', PAT)).json()
    expect(orgs.map((org: { login: string }) => org.login)).toEqual(['github', 'solo', 'acme'])
    expect(Object.keys(orgs[0]).sort()).toEqual(
      [
        'login',
        'id',
        'node_id',
        'url',
        'repos_url',
        'events_url',
        'hooks_url',
        'issues_url',
        'members_url',
        'public_members_url',
        'avatar_url',
        'description',
      ].sort(),
    )
  })

  it('lists teams with their organization and pages them with an absolute link header', async () => {
    github = await startFakeGitHub(world())
    const first = await get('/user/teams?per_page=2', PAT)
    const teams = await first.json()
    expect(teams.map((t: { slug: string }) => t.slug)).toEqual(['justice-league', 'admins'])
    expect(teams[0].organization.login).toBe('github')
    expect(first.headers.get('link')).toBe(
      `<${github.url}/user/teams?per_page=2&page=2>; rel="next", ` +
        `<${github.url}/user/teams?per_page=2&page=2>; rel="last"`,
    )
    const last = await get('/user/teams?per_page=2&page=2', PAT)
    expect((await last.json()).map((t: { slug: string }) => t.slug)).toEqual(['ops'])
    expect(last.headers.get('link')).toContain('rel="prev"')
    expect(last.headers.get('link')).not.toContain('rel="next"')
    expect((await get('/user/teams', PAT)).headers.get('link')).toBeNull()
  })

  it('refuses teams and orgs with 403 when the token lacks read:org, user or repo', async () => {
    github = await startFakeGitHub(world())
    const res = await get('/user/teams', NARROW)
    expect(res.status).toBe(403)
    expect(res.headers.get('x-oauth-scopes')).toBe('')
    expect(res.headers.get('x-accepted-oauth-scopes')).toBe('user, repo, read:org')
    expect((await get('/user/orgs', NARROW)).status).toBe(403)
  })

  it('lets fine-grained tokens through without reporting scopes', async () => {
    github = await startFakeGitHub(world())
    const res = await get('/user/teams', FINE)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-oauth-scopes')).toBeNull()
  })

  it('serves the GHES layout under /api/v3 with URLs on that base', async () => {
    github = await startFakeGitHub(world())
    const res = await fetch(`${github.enterpriseApiUrl}/user/teams?per_page=1`, {
      headers: { authorization: `Bearer ${PAT}` },
    })
    expect(res.headers.get('x-github-enterprise-version')).toMatch(/^enterprise-server@3\./)
    expect(res.headers.get('link')).toContain(`<${github.url}/api/v3/user/teams?per_page=1&page=2>`)
    const [team] = await res.json()
    expect(team.url.startsWith(`${github.url}/api/v3/`)).toBe(true)
    expect(team.html_url).toBe(`${github.url}/orgs/github/teams/justice-league`)
  })

  it('answers team memberships: active, maintainer, pending, and 404 for strangers', async () => {
    github = await startFakeGitHub(world())
    const membership = (login: string) => get(`/orgs/GitHub/teams/admins/memberships/${login}`, PAT)
    expect(await (await membership('octocat')).json()).toMatchObject({
      role: 'maintainer',
      state: 'active',
    })
    expect(await (await membership('hubot')).json()).toMatchObject({ state: 'pending' })
    expect((await membership('nobody')).status).toBe(404)
  })

  it('needs a User-Agent, as GitHub does', async () => {
    github = await startFakeGitHub(world())
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${github.url}/user`, { headers: { authorization: `Bearer ${PAT}` } })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })

  it('answers 400 to an API version it does not know', async () => {
    github = await startFakeGitHub(world())
    const res = await get('/user', PAT, { 'x-github-api-version': '1999-01-01' })
    expect(res.status).toBe(400)
    expect((await get('/user', PAT, { 'x-github-api-version': '2022-11-28' })).status).toBe(200)
  })

  it('answers 403 with remaining 0 once the rate limit is spent, and omits the headers like GHES', async () => {
    github = await startFakeGitHub({ ...world(), rateLimit: 1 })
    expect((await get('/user', PAT)).status).toBe(200)
    const limited = await get('/user', PAT)
    expect(limited.status).toBe(403)
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect((await limited.json()).message).toMatch(/rate limit exceeded/)
    await github.close()
    github = await startFakeGitHub({ ...world(), rateLimit: false })
    expect((await get('/user', PAT)).headers.get('x-ratelimit-limit')).toBeNull()
  })

  it('answers 404 with GitHub’s error body for unknown paths and trailing slashes', async () => {
    github = await startFakeGitHub(world())
    const res = await get('/user/', PAT)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    })
  })
})
