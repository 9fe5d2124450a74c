import type { SessionChangeEvent, SessionChangeType } from '@agentapi-proxy/shared'
import type { SessionRecord } from './session-record.ts'
import { summaryOf } from './session-summary.ts'

/** One page of the event log, and where the log starts and ends. */
export interface EventLogPage {
  /** Oldest first. */
  events: SessionChangeEvent[]
  /** The oldest event still kept; null while the log is empty. */
  first_id: number | null
  /** The newest event written (0 before the first); the log always keeps it. */
  latest_id: number
}

/** How many events the log keeps when nothing says otherwise. */
export const DEFAULT_EVENT_LIMIT = 10_000

/**
 * Which event, if any, a row's change is: a status change wins over an agent_status change
 * (its summary shows both), and a patch that changes neither is no event.
 */
export function changeType(
  before: Pick<SessionRecord, 'status' | 'agent_status'>,
  after: Pick<SessionRecord, 'status' | 'agent_status'>,
): SessionChangeType | null {
  if (before.status !== after.status) return 'status'
  if (before.agent_status !== after.agent_status) return 'agent_status'
  return null
}

/** The event (without its id, which the store assigns) of `type` for `record`. */
export function eventOf(type: SessionChangeType, record: SessionRecord, at = new Date()) {
  return { type, at: at.toISOString(), session: summaryOf(record) }
}
