import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The name of `userId`'s home directory: its safe characters (so a person can find it) and a
 * hash of the whole id (so two ids that sanitize alike still differ). No dot and no separator
 * survives, so no id can name `..` or a path outside the home root; the same id always gives
 * the same name, so the home outlives sessions and restarts.
 *
 * @example
 * homeDirName('alice') // 'alice-2bd806c97f0e00af'
 */
export function homeDirName(userId: string): string {
  const readable = userId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)
  const hash = createHash('sha256').update(userId).digest('hex').slice(0, 16)
  return `${readable}-${hash}`
}

/** Creates (0700, once) and returns the home of `userId` under `homeRoot`. */
export function ensureHome(homeRoot: string, userId: string): string {
  const home = join(homeRoot, homeDirName(userId))
  mkdirSync(home, { recursive: true, mode: 0o700 })
  return home
}
