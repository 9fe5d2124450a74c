import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * A new random secret: a recognisable prefix and 32 random bytes (256 bits) in base64url.
 * The prefix lets people and secret scanners tell what a leaked string is.
 *
 * @example
 * createSecret('aap_') // 'aap_3q2-7wX…' (47 characters)
 */
export function createSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url')
}

/**
 * The SHA-256 of a secret, hex-encoded: the only form in which secrets are stored or used as keys.
 * A fast hash is right here because every secret hashed is either ours (256 random bits) or a
 * GitHub token or configured key with comparable entropy: no dictionary to try, so a slow
 * password hash (bcrypt, scrypt) would only cost latency — and a deterministic digest lets a
 * store find a row by it.
 *
 * @example
 * hashSecret('aap_…') // '9f86d08188…' (64 hex characters)
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/**
 * Compares a presented secret with a stored hash in constant time. Both sides are SHA-256
 * digests, so they always have the same length and `timingSafeEqual` never throws or leaks the
 * length of what was configured.
 *
 * @example
 * if (!secretMatches(presented, row.hash)) throw new AppError('unauthorized', '…')
 */
export function secretMatches(presented: string, storedHash: string): boolean {
  const presentedDigest = createHash('sha256').update(presented, 'utf8').digest()
  const storedDigest = Buffer.from(storedHash, 'hex')
  if (storedDigest.length !== presentedDigest.length) return false
  return timingSafeEqual(presentedDigest, storedDigest)
}
