import type { SessionStatus, Tags } from '@agentapi-proxy/shared'
import type { ChangeFeed } from './change-feed.ts'
import type { EventLogPage } from './event-log.ts'
import type { SessionRecord } from './session-record.ts'

/** What `search` filters on; every given field must match. */
export interface SessionFilter {
  user_id?: string
  /** Any of these statuses; all when unset. */
  statuses?: readonly SessionStatus[]
  tags?: Tags
  limit: number
  /** Opaque, from a previous page's `next_cursor`. */
  cursor?: string
}

/** One page of records, newest first. */
export interface SessionPage {
  records: SessionRecord[]
  next_cursor: string | null
}

/** The limits a new session is admitted under (from the config's `session` section). */
export interface AdmissionLimits {
  maxSessions: number
  maxSessionsPerUser: number
}

/** Whether {@link SessionStore.admit} inserted the row, or which limit it hit at what count. */
export type Admission =
  | { admitted: true }
  | { admitted: false; limit: 'proxy' | 'user'; live: number }

/**
 * Which limit a new session of `userId` would pass, if any: the proxy's first, then the user's
 * (counted only when the first holds). What every store's `admit` decides by.
 *
 * @example
 * const refused = await limitHit(limits, record.user_id, (user) => countLive(user))
 */
export async function limitHit(
  limits: AdmissionLimits,
  userId: string,
  countLive: (userId?: string) => number | Promise<number>,
): Promise<Extract<Admission, { admitted: false }> | null> {
  const live = await countLive()
  if (live >= limits.maxSessions) return { admitted: false, limit: 'proxy', live }
  const mine = await countLive(userId)
  if (mine >= limits.maxSessionsPerUser) return { admitted: false, limit: 'user', live: mine }
  return null
}

/**
 * Where session rows live. The in-memory implementation is the reference; SQL ones follow it.
 * Methods are async so any backend fits; none of them knows about processes or HTTP.
 */
export interface SessionStore {
  insert(record: SessionRecord): Promise<void>
  /**
   * Inserts the record unless the live sessions (of every replica) are at a limit: the count and
   * the insert are one transaction, so concurrent starts on several replicas never over-admit.
   */
  admit(record: SessionRecord, limits: AdmissionLimits): Promise<Admission>
  /**
   * Makes `owner` the owner of a live or suspended session until `leaseUntil`, if no other
   * replica holds it: it has no owner, is `owner`'s already, or its lease ran out before `now`.
   * Returns the claimed row, or null when another replica holds it (or it is over).
   */
  claim(
    sessionId: string,
    owner: string,
    leaseUntil: string,
    now: string,
  ): Promise<SessionRecord | null>
  /**
   * Extends the lease of every live session `owner` holds, and returns their ids: a session
   * the owner runs that is missing was taken over by another replica.
   */
  renewLeases(owner: string, leaseUntil: string): Promise<string[]>
  /** Live sessions whose lease ran out before `now`, and suspended ones nobody holds. */
  listUnheld(now: string): Promise<SessionRecord[]>
  /** Moves `last_activity_at` forward to `at`, never back (every replica proxies). */
  recordActivity(sessionId: string, at: string): Promise<void>
  /** Where this process hears that rows changed, whichever replica changed them. */
  readonly changes: ChangeFeed
  get(sessionId: string): Promise<SessionRecord | null>
  /** Applies `patch` and returns the updated row, or null when there is none. */
  update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionRecord | null>
  search(filter: SessionFilter): Promise<SessionPage>
  /** Sessions in a live status (starting, active, stopping), optionally of one user. */
  countLive(userId?: string): Promise<number>
  /** Every session in a live status, for shutdown and recovery. */
  listLive(): Promise<SessionRecord[]>
  /** Every session in one of `statuses`, newest first (recovery reads `suspended` ones). */
  listWithStatus(statuses: readonly SessionStatus[]): Promise<SessionRecord[]>
  /** Deletes stopped and failed sessions that ended before `endedBefore` (ISO); returns how many. */
  prune(endedBefore: string): Promise<number>
  /**
   * The event log: one entry per session created, status or agent_status changed, or row
   * pruned, written in the same transaction as the change, numbered by the store in commit
   * order (the same on every replica). Returns up to `limit` entries after `afterId`.
   */
  eventsAfter(afterId: number, limit: number): Promise<EventLogPage>
  /** Deletes events written before `before` (ISO), never the newest; returns how many. */
  pruneEvents(before: string): Promise<number>
  /** Resolves when the backend answers (what `/ready` checks). */
  ping(): Promise<void>
  close(): Promise<void>
}
