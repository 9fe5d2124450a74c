import type { FakeOrg, FakeTeam, FakeUser } from './world.ts'

/**
 * Where the response is being built: every URL GitHub sends is absolute, REST URLs on the API
 * base of the host (`…/api/v3` on GHES) and `html_url` on the web base.
 */
export interface Bases {
  api: string
  web: string
}

const CREATED_AT = '2020-01-14T04:33:35Z'

// GitHub's legacy global node ids: base64 of "<len>:<Type><id>".
function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64')
}

/**
 * `GET /user`: the public fields in GitHub's order, plus the private ones with the `user` scope.
 *
 * @example
 * sendJson(res, 200, userShape(user, { api, web }, token.scopes?.includes('user') ?? true))
 */
export function userShape(
  user: FakeUser,
  bases: Bases,
  withPrivate: boolean,
): Record<string, unknown> {
  const url = `${bases.api}/users/${user.login}`
  const shape: Record<string, unknown> = {
    login: user.login,
    id: user.id,
    node_id: nodeId('User', user.id),
    avatar_url: `${bases.web}/avatars/u/${user.id}`,
    gravatar_id: '',
    url,
    html_url: `${bases.web}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: user.site_admin ?? false,
    name: user.name ?? null,
    company: null,
    blog: '',
    location: null,
    email: user.email ?? null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
  }
  if (!withPrivate) return shape
  return {
    ...shape,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: 'free', space: 976_562_499, private_repos: 10_000, collaborators: 0 },
  }
}

/**
 * The organization-simple shape of `GET /user/orgs`.
 *
 * @example
 * world.orgsOf('octocat').map((org) => orgShape(org, bases))
 */
export function orgShape(org: FakeOrg, bases: Bases): Record<string, unknown> {
  const id = org.id ?? 0
  const url = `${bases.api}/orgs/${org.login}`
  return {
    login: org.login,
    id,
    node_id: nodeId('Organization', id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `${bases.web}/avatars/o/${id}`,
    description: org.description ?? null,
  }
}

/**
 * The team-full shape of `GET /user/teams`, with its full organization.
 *
 * @example
 * teamShape(team, org, bases, 'octocat').organization.login // team.org
 */
export function teamShape(
  team: FakeTeam,
  org: FakeOrg,
  bases: Bases,
  login: string,
): Record<string, unknown> {
  const id = team.id ?? 0
  const url = `${bases.api}/organizations/${org.id ?? 0}/team/${id}`
  const maintains = (team.maintainers ?? []).some((m) => m.toLowerCase() === login.toLowerCase())
  return {
    id,
    node_id: nodeId('Team', id),
    url,
    html_url: `${bases.web}/orgs/${org.login}/teams/${team.slug}`,
    name: team.name ?? team.slug,
    slug: team.slug,
    description: team.description ?? null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: maintains ? 'admin' : 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
    members_count: (team.members?.length ?? 0) + (team.maintainers?.length ?? 0),
    repos_count: 0,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    organization: {
      ...orgShape(org, bases),
      name: org.login,
      type: 'Organization',
      html_url: `${bases.web}/${org.login}`,
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
    },
  }
}
