/**
 * Why a session failed or was refused: a closed list, so it can be a metric label. `limit_*`
 * starts were refused before any agent ran; the others are sessions that ended `failed`.
 */
export const SESSION_FAILURE_REASONS = [
  'limit_proxy',
  'limit_user',
  'spawn_error',
  'startup_exit',
  'startup_timeout',
  'agent_exit',
  'takeover_unreachable',
] as const
export type SessionFailureReason = (typeof SESSION_FAILURE_REASONS)[number]

/** What the session lifecycle reports to `/metrics`; the service works without it. */
export interface SessionMetrics {
  /** An agent launch began: a new session, or a suspended or orphaned one started again. */
  started(kind: 'new' | 'resume'): void
  failed(reason: SessionFailureReason): void
  /** Seconds from the agent's spawn to its first answer on `/status`. */
  ready(seconds: number): void
}
