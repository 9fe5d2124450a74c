import { AppError } from '../errors.ts'
import type { LiveSession } from './live-session.ts'

/** The rules the service enforces, from the config's `session` section (milliseconds). */
export interface SessionLimits {
  maxSessions: number
  maxSessionsPerUser: number
  maxConcurrentStarts: number
  startupTimeoutMs: number
  idleTimeoutMs: number
  stopGraceMs: number
}

const RETRY_AFTER_SECONDS = '30'

/**
 * Refuses a new session for `userId` when the proxy or the user is at their limit: 429 with
 * Retry-After, and a detail that says which limit and what to do.
 */
export function checkLimits(
  live: Iterable<LiveSession>,
  userId: string,
  limits: { maxSessions: number; maxSessionsPerUser: number },
): void {
  const sessions = [...live]
  const retry = { headers: { 'Retry-After': RETRY_AFTER_SECONDS } }
  if (sessions.length >= limits.maxSessions) {
    throw new AppError(
      'too_many_sessions',
      `The proxy already runs ${limits.maxSessions} sessions, its limit; stop one (DELETE /sessions/{id}) or try again later`,
      retry,
    )
  }
  const mine = sessions.filter((s) => s.ownerId === userId).length
  if (mine >= limits.maxSessionsPerUser) {
    throw new AppError(
      'too_many_sessions',
      `User ${userId} already has ${mine} sessions, the per-user limit; stop one (DELETE /sessions/{id}) first`,
      retry,
    )
  }
}
