import type { AuthType, Permission, Role } from '@agentapi-proxy/shared'

/**
 * Who is calling, once authenticated. Every route and the proxy decide with this alone, so the
 * way a caller proved who they are (API key, GitHub token, OAuth) never leaks into the rules.
 */
export interface Principal {
  user_id: string
  role: Role
  permissions: readonly Permission[]
  /** How the caller authenticated; `none` when auth is disabled. */
  auth_type: AuthType | 'none'
}

/** The caller when `auth.enabled` is false: an admin with every permission. */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({
  user_id: 'anonymous',
  role: 'admin',
  permissions: Object.freeze(['*'] as Permission[]),
  auth_type: 'none',
})

/**
 * Whether the principal holds a permission (`*` holds them all).
 *
 * @example
 * hasPermission(principal, 'session:create')
 */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes('*') || principal.permissions.includes(permission)
}

/** Admins manage every session and key; everyone else only their own. */
export function isAdmin(principal: Principal): boolean {
  return principal.role === 'admin'
}

/**
 * Whether the principal may act on something owned by `ownerId`.
 *
 * @example
 * if (!canAccess(principal, session.user_id)) throw notFound() // not yours looks like missing
 */
export function canAccess(principal: Principal, ownerId: string): boolean {
  return isAdmin(principal) || principal.user_id === ownerId
}
