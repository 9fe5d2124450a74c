// GitHub's OAuth scopes, as far as the proxy's endpoints care: a broader scope implies the
// narrower ones, and granted scopes are reported normalized (`user,user:email` → `user`).
const IMPLIED: Record<string, readonly string[]> = {
  user: ['read:user', 'user:email', 'user:follow'],
  'admin:org': ['write:org', 'read:org'],
  'write:org': ['read:org'],
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
}

/**
 * Splits a `scope` parameter. octokit joins scopes with commas, the docs with spaces: accept both.
 *
 * @example
 * parseScopes('repo,read:org user') // ['repo', 'read:org', 'user']
 */
export function parseScopes(value: string | null | undefined): string[] {
  return [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))]
}

/**
 * Drops scopes that a broader granted scope already implies, as GitHub reports them.
 *
 * @example
 * normalizeScopes(['user', 'user:email']) // ['user']
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const unique = [...new Set(scopes)]
  return unique.filter(
    (scope) => !unique.some((other) => other !== scope && IMPLIED[other]?.includes(scope)),
  )
}

/**
 * Whether granted scopes satisfy any one of the accepted scopes, directly or by implication.
 *
 * @example
 * hasAnyScope(['admin:org'], ['read:org']) // true
 */
export function hasAnyScope(granted: readonly string[], accepted: readonly string[]): boolean {
  const expanded = new Set(granted.flatMap((scope) => [scope, ...(IMPLIED[scope] ?? [])]))
  for (const scope of [...expanded]) for (const more of IMPLIED[scope] ?? []) expanded.add(more)
  return accepted.some((scope) => expanded.has(scope))
}
