// The GitHub the auth tests run against: a fake that speaks GitHub's wire format over real HTTP
// on port 0, with a few people, teams and one OAuth App. Imported by tests only.
import { type FakeGitHub, startFakeGitHub } from '@agentapi-proxy/fake-github'
import { type ConfigInput, ConfigSchema } from '../config/schema.ts'
import type { AuthConfig } from './authenticate.ts'

/**
 * Personal access tokens of the fixture's people.
 *
 * @example
 * await resolver.resolve(PATS.ada) // ada, an admin through acme/platform-admins
 */
export const PATS = {
  ada: 'ghp_ada000000000000000000000000000000000',
  octocat: 'ghp_octocat00000000000000000000000000000',
  hubot: 'ghp_hubot0000000000000000000000000000000',
} as const

/**
 * The fixture's OAuth App.
 *
 * @example
 * await client.revoke(APP, githubToken, 'token')
 */
export const APP = { client_id: 'Ov23liFixture', client_secret: 'fixture-client-secret' }

/**
 * The one redirect the fixture's proxy config allows.
 *
 * @example
 * const { auth_url, state } = await oauth.authorize(REDIRECT_URI)
 */
export const REDIRECT_URI = 'http://127.0.0.1:5173/callback'

/**
 * ada (id 3) is a platform admin and a developer; octocat (583231) a developer; hubot (2) is
 * only in another org's team.
 *
 * @example
 * await using github = await startFixtureGitHub()
 */
export function startFixtureGitHub(options: { now?: () => number } = {}): Promise<FakeGitHub> {
  return startFakeGitHub({
    users: [
      { id: 3, login: 'ada', name: 'Ada Lovelace', tokens: [PATS.ada] },
      { id: 583231, login: 'octocat', name: 'The Octocat', tokens: [PATS.octocat] },
      { id: 2, login: 'hubot', name: null, tokens: [PATS.hubot] },
    ],
    teams: [
      { org: 'acme', slug: 'platform-admins', members: ['ada'] },
      { org: 'acme', slug: 'developers', members: ['ada', 'octocat'] },
      { org: 'robots', slug: 'sre', members: ['hubot'] },
    ],
    apps: [{ ...APP, name: 'agentapi-proxy', callback_url: 'http://127.0.0.1/' }],
    ...options,
  })
}

/**
 * The `auth` section of a config aimed at `github`: static keys on, GitHub and OAuth on, and a
 * team mapping that makes platform admins admins and anyone in acme a developer.
 *
 * @example
 * const auth = fixtureAuthConfig(github, { static: { api_keys: [...] } })
 */
export function fixtureAuthConfig(
  github: FakeGitHub,
  overrides: NonNullable<ConfigInput['auth']> = {},
): AuthConfig {
  const auth: NonNullable<ConfigInput['auth']> = {
    enabled: true,
    ...overrides,
    static: { enabled: true, ...overrides.static },
    github: {
      enabled: true,
      base_url: github.url,
      user_mapping: {
        default_role: 'member',
        default_permissions: ['session:list'],
        team_role_mapping: {
          'acme/platform-admins': { role: 'admin', permissions: ['*'] },
          'acme/*': { role: 'developer', permissions: ['session:create', 'session:access'] },
        },
      },
      oauth: { ...APP, base_url: github.url, allowed_redirect_uris: [REDIRECT_URI] },
      ...overrides.github,
    },
  }
  return ConfigSchema.parse({ auth }).auth
}
