import type { AuthType, Permission, Role } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'

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
  /** Which credential proved it, when the proxy can revoke or expire it (not GitHub tokens). */
  credential?: CredentialRef
}

/**
 * The credential behind a principal, as revocation and key minting see it. Ids are opaque and
 * never secrets: `key_…` for a managed key, `static:<digest prefix>` for a configured key,
 * `oauth:<row>` and `oauth-family:<sign-in>` for the proxy's OAuth tokens.
 */
export interface CredentialRef {
  /** This credential first, then what it descends from: revoking any of them ends it. */
  ids: readonly string[]
  /** When it stops working by itself (ISO 8601); null for never. */
  expires_at: string | null
  /** What a key minted with it records as its parent, so revoking that revokes the key. */
  minter_id: string
  /** The latest a key minted with it may live: the creator's own end. */
  minter_expires_at: string | null
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

/**
 * Throws `forbidden` (403), naming the permission, unless the principal holds it: what every
 * route and MCP tool asks first.
 *
 * @example
 * assertPermission(principal, 'session:create')
 */
export function assertPermission(principal: Principal, permission: Permission): void {
  if (hasPermission(principal, permission)) return
  throw new AppError(
    'forbidden',
    `Your role (${principal.role}) does not have the ${permission} permission`,
  )
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
