import type { CreateApiKeyRequest, Permission, Role } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'
import { hasPermission, isAdmin, type Principal } from './principal.ts'

// What an admin's key for someone else gets when the request names no permissions.
const DEFAULT_PERMISSIONS: Permission[] = [
  'session:create',
  'session:list',
  'session:delete',
  'session:access',
]

/**
 * The role and permissions a new key gets. A key never carries more than its creator holds:
 * non-admins get their own role, and nobody grants a permission they lack — not even an admin
 * whose own key is narrower than admin. Throws `forbidden` otherwise.
 *
 * @example
 * const { role, permissions } = grantFor(principal, 'bob', { name: 'ci' })
 */
export function grantFor(
  principal: Principal,
  owner: string,
  request: CreateApiKeyRequest,
): { role: Role; permissions: Permission[] } {
  const forSelf = owner === principal.user_id
  const role = request.role ?? (forSelf ? principal.role : 'member')
  const permissions = [
    ...new Set(request.permissions ?? (forSelf ? principal.permissions : DEFAULT_PERMISSIONS)),
  ]
  if (!isAdmin(principal) && role !== principal.role) {
    throw new AppError('forbidden', `Your keys get your own role (${principal.role})`)
  }
  const beyond = permissions.filter((permission) => !hasPermission(principal, permission))
  if (beyond.length > 0) {
    throw new AppError('forbidden', `You cannot grant permissions you lack: ${beyond.join(', ')}`)
  }
  return { role, permissions }
}

/**
 * When a new key expires. Without `expires_at` it expires with its creator; asking for later is
 * refused (422 naming `expires_at`), not quietly shortened, so the caller learns the key will
 * not live as long as they meant.
 *
 * @example
 * expiryFor(principal, undefined, Date.now()) // the creator's expiry, or null
 */
export function expiryFor(
  principal: Principal,
  requested: string | undefined,
  now: number,
): string | null {
  const cap = principal.credential?.minter_expires_at ?? null
  if (requested === undefined) return cap
  const at = new Date(requested)
  let message: string | undefined
  if (at.getTime() <= now) message = 'Must be in the future'
  else if (cap !== null && at.getTime() > Date.parse(cap)) {
    message = `Must not be later than ${cap}, when the credential creating it expires`
  }
  if (message) {
    throw new AppError('invalid_request', `expires_at: ${message}`, {
      errors: [{ path: 'expires_at', message }],
    })
  }
  return at.toISOString()
}
