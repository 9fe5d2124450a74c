import type { Permission, Role } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'
import type { ApiKeyRow, ApiKeyStore } from './api-key-store.ts'

/** One credential a managed key descends from, as far as the key's checks need it. */
export interface Ancestor {
  created_by: string | null
  role: Role
  permissions: readonly Permission[]
  expires_at: string | null
}

/** Finds a parent by its credential id; undefined when it is revoked or gone. */
export type FindAncestor = (id: string) => Promise<Ancestor | undefined> | Ancestor | undefined

/** What a managed key amounts to once its whole line of creators is taken into account. */
export interface Lineage {
  /** The key's id, then each creator's, nearest first. */
  ids: string[]
  role: Role
  permissions: Permission[]
  /** The earliest expiry along the line. */
  expires_at: string | null
}

// Far deeper than any real chain of keys minting keys; it only bounds a cycle a broken row made.
const MAX_DEPTH = 32

/**
 * Walks from a key up through whoever minted it. Every ancestor must still exist, be
 * unrevoked and unexpired — config has no revoke event, so a configured key that expired or
 * was removed is seen only here — and the key holds no more than each of them: the earliest
 * expiry, the common permissions, and no admin role under a creator that is not an admin.
 *
 * @example
 * const { ids, expires_at } = await lineage(row, (id) => findAncestor(id), Date.now())
 */
export async function lineage(row: ApiKeyRow, find: FindAncestor, now: number): Promise<Lineage> {
  const line: Lineage = {
    ids: [row.id],
    role: row.role,
    permissions: [...row.permissions],
    expires_at: row.expires_at,
  }
  let parent = row.created_by
  while (parent !== null) {
    if (line.ids.length > MAX_DEPTH || line.ids.includes(parent)) throw ancestorGone()
    line.ids.push(parent)
    const ancestor = await find(parent)
    if (!ancestor) throw ancestorGone()
    if (ancestor.expires_at !== null && Date.parse(ancestor.expires_at) <= now) {
      throw new AppError(
        'credentials_expired',
        `The credential that created this API key expired at ${ancestor.expires_at}, and so did this key`,
      )
    }
    narrow(line, ancestor)
    parent = ancestor.created_by
  }
  return line
}

function narrow(line: Lineage, ancestor: Ancestor): void {
  line.expires_at = earliest(line.expires_at, ancestor.expires_at)
  if (!ancestor.permissions.includes('*')) {
    line.permissions = line.permissions.includes('*')
      ? [...ancestor.permissions]
      : line.permissions.filter((permission) => ancestor.permissions.includes(permission))
  }
  if (line.role === 'admin' && ancestor.role !== 'admin') line.role = ancestor.role
}

/**
 * The earlier of two expiries, null meaning never.
 *
 * @example
 * earliest(null, '2027-01-01T00:00:00.000Z') // '2027-01-01T00:00:00.000Z'
 */
export function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b
  if (b === null) return a
  return Date.parse(a) <= Date.parse(b) ? a : b
}

function ancestorGone(): AppError {
  return new AppError(
    'unauthorized',
    'The credential that created this API key was revoked or removed, and so was this key',
  )
}

/**
 * Every key minted, directly or through other keys, by `rootId`, that is not revoked yet.
 *
 * @example
 * for (const row of await descendants(store, 'key_abc')) await store.revoke(row.id, now)
 */
export async function descendants(store: ApiKeyStore, rootId: string): Promise<ApiKeyRow[]> {
  const found: ApiKeyRow[] = []
  const seen = new Set([rootId])
  let frontier = [rootId]
  while (frontier.length > 0) {
    const next: string[] = []
    for (const id of frontier) {
      for (const child of await store.children(id)) {
        if (seen.has(child.id)) continue
        seen.add(child.id)
        found.push(child)
        next.push(child.id)
      }
    }
    frontier = next
  }
  return found
}
