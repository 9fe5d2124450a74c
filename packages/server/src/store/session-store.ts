import type { SessionStatus, Tags } from '@agentapi-proxy/shared'
import type { SessionRecord } from './session-record.ts'

/** What `search` filters on; every given field must match. */
export interface SessionFilter {
  user_id?: string
  status?: SessionStatus
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

/**
 * Where session rows live. The in-memory implementation is the reference; SQL ones follow it.
 * Methods are async so any backend fits; none of them knows about processes or HTTP.
 */
export interface SessionStore {
  insert(record: SessionRecord): Promise<void>
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
  /** Resolves when the backend answers (what `/ready` checks). */
  ping(): Promise<void>
  close(): Promise<void>
}
