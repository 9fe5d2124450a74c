import { AppError } from '../errors.ts'
import type { Admission } from '../store/session-store.ts'

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
 * The 429 (with Retry-After) for a start the store refused at a limit, with a detail that says
 * which limit and what to do. The store counts every replica's sessions (store/sql.ts admit).
 */
export function limitReached(
  refused: Extract<Admission, { admitted: false }>,
  userId: string,
  limits: { maxSessions: number },
): AppError {
  const retry = { headers: { 'Retry-After': RETRY_AFTER_SECONDS } }
  if (refused.limit === 'proxy') {
    return new AppError(
      'too_many_sessions',
      `The proxy already runs ${limits.maxSessions} sessions, its limit; stop one (DELETE /sessions/{id}) or try again later`,
      retry,
    )
  }
  return new AppError(
    'too_many_sessions',
    `User ${userId} already has ${refused.live} sessions, the per-user limit; stop one (DELETE /sessions/{id}) first`,
    retry,
  )
}
