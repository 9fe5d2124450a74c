import type { Permission, Role } from '@agentapi-proxy/shared'
import type { Config } from '../config/schema.ts'
import type { GitHubTeam } from './github-client.ts'

/** `auth.github.user_mapping`: the default role and permissions, and team patterns → roles. */
export type UserMapping = Config['auth']['github']['user_mapping']

/**
 * The order in which roles win when several teams match. `admin` is on top because it is the
 * one role the proxy gives power to (every session, every key). The others follow the original
 * Go agentapi-proxy (guest < user < member < developer < admin), so a config written for it maps
 * people the same way here. A role not in this list ranks just above `member`: someone named it
 * on purpose for a team, so it beats the generic default, but never `developer` or `admin`.
 *
 * @example
 * ROLE_RANK.admin > ROLE_RANK.developer // true
 */
export const ROLE_RANK: Readonly<Record<string, number>> = Object.freeze({
  guest: 0,
  user: 1,
  member: 2,
  developer: 3,
  admin: 4,
})
const CUSTOM_ROLE_RANK = 2.5

/**
 * The rank of a role in {@link ROLE_RANK}; custom roles rank just above `member`.
 *
 * @example
 * roleRank('admin') > roleRank('sre') // true
 */
export function roleRank(role: Role): number {
  return Object.hasOwn(ROLE_RANK, role) ? (ROLE_RANK[role] as number) : CUSTOM_ROLE_RANK
}

/**
 * Whether a `team_role_mapping` key names this team. Keys are `org/team`; `*` matches any run
 * of characters within its part (`myorg/*`, `*\/admins`, `myorg/eng-*`). Orgs and slugs compare
 * case-insensitively, as GitHub treats them.
 *
 * @example
 * teamMatches('myorg/*', { org: 'MyOrg', slug: 'admins' }) // true
 */
export function teamMatches(pattern: string, team: GitHubTeam): boolean {
  const slash = pattern.indexOf('/')
  if (slash < 0) return false
  return (
    globMatches(pattern.slice(0, slash), team.org) &&
    globMatches(pattern.slice(slash + 1), team.slug)
  )
}

function globMatches(glob: string, value: string): boolean {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`, 'i').test(value)
}

/**
 * The role and permissions for someone in these teams: the highest-ranked role of every
 * matching mapping (the default role when none matches or all rank lower; the earlier mapping
 * on a tie), and the union of the default permissions with every matching mapping's.
 *
 * @example
 * mapTeams([{ org: 'acme', slug: 'admins' }], {
 *   default_role: 'member', default_permissions: ['session:list'],
 *   team_role_mapping: { 'acme/admins': { role: 'admin', permissions: ['*'] } },
 * }) // { role: 'admin', permissions: ['session:list', '*'] }
 */
export function mapTeams(
  teams: readonly GitHubTeam[],
  mapping: UserMapping,
): { role: Role; permissions: Permission[] } {
  let role = mapping.default_role
  const permissions = new Set<Permission>(mapping.default_permissions)
  for (const [pattern, grant] of Object.entries(mapping.team_role_mapping)) {
    if (!teams.some((team) => teamMatches(pattern, team))) continue
    if (roleRank(grant.role) > roleRank(role)) role = grant.role
    for (const permission of grant.permissions) permissions.add(permission)
  }
  return { role, permissions: [...permissions] }
}
