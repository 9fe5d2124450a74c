import type { Permission } from '@agentapi-proxy/shared'
import { describe, expect, it } from 'vitest'
import type { GitHubTeam } from './github-client.ts'
import { mapTeams, roleRank, teamMatches, type UserMapping } from './team-mapping.ts'

describe('teamMatches', () => {
  it.each([
    ['myorg/admins', 'myorg', 'admins', true],
    ['myorg/admins', 'MyOrg', 'admins', true],
    ['myorg/admins', 'myorg', 'admins-2', false],
    ['myorg/*', 'myorg', 'anything', true],
    ['myorg/*', 'otherorg', 'anything', false],
    ['*/admins', 'any-org', 'admins', true],
    ['*/admins', 'any-org', 'not-admins', false],
    ['*/*', 'x', 'y', true],
    ['myorg/eng-*', 'myorg', 'eng-platform', true],
    ['myorg/eng-*', 'myorg', 'design', false],
    ['my.org/a+b', 'myXorg', 'aab', false],
    ['myorg', 'myorg', 'admins', false],
  ])('%s matches %s/%s: %s', (pattern, org, slug, expected) => {
    expect(teamMatches(pattern, { org, slug })).toBe(expected)
  })
})

describe('roleRank', () => {
  it.each([
    ['admin', 'developer'],
    ['developer', 'sre'],
    ['sre', 'member'],
    ['member', 'user'],
    ['user', 'guest'],
  ])('%s outranks %s', (higher, lower) => {
    expect(roleRank(higher)).toBeGreaterThan(roleRank(lower))
  })
})

const mapping = (team_role_mapping: UserMapping['team_role_mapping']): UserMapping => ({
  default_role: 'member',
  default_permissions: ['session:list'],
  team_role_mapping,
})

const grant = (role: string, ...permissions: Permission[]) => ({ role, permissions })

interface MappingCase {
  case: string
  teams: GitHubTeam[]
  rules: UserMapping['team_role_mapping']
  role: string
  permissions: Permission[]
}

describe('mapTeams', () => {
  it.each<MappingCase>([
    {
      case: 'no team matches: the defaults',
      teams: [{ org: 'x', slug: 'y' }],
      rules: { 'acme/admins': grant('admin', '*') },
      role: 'member',
      permissions: ['session:list'],
    },
    {
      case: 'admin wins over any other role, whatever the order',
      teams: [
        { org: 'acme', slug: 'devs' },
        { org: 'acme', slug: 'admins' },
      ],
      rules: { 'acme/*': grant('developer', 'session:create'), 'acme/admins': grant('admin', '*') },
      role: 'admin',
      permissions: ['session:list', 'session:create', '*'],
    },
    {
      case: 'developer beats a custom role, a custom role beats the default',
      teams: [
        { org: 'acme', slug: 'sre' },
        { org: 'acme', slug: 'devs' },
      ],
      rules: { '*/sre': grant('sre', 'session:access'), 'acme/devs': grant('developer') },
      role: 'developer',
      permissions: ['session:list', 'session:access'],
    },
    {
      case: 'a lower-ranked team role does not demote the default',
      teams: [{ org: 'acme', slug: 'visitors' }],
      rules: { 'acme/visitors': grant('guest', 'session:access') },
      role: 'member',
      permissions: ['session:list', 'session:access'],
    },
    {
      case: 'equal ranks: the earlier mapping wins',
      teams: [
        { org: 'acme', slug: 'sre' },
        { org: 'acme', slug: 'qa' },
      ],
      rules: { 'acme/qa': grant('qa'), 'acme/sre': grant('sre') },
      role: 'qa',
      permissions: ['session:list'],
    },
  ])('$case', ({ teams, rules, role, permissions }) => {
    const result = mapTeams(teams, mapping(rules))
    expect(result.role).toBe(role)
    expect(result.permissions).toEqual(permissions)
  })
})
