import type { Session, SessionSummary } from '@agentapi-proxy/shared'
import type { SessionRecord } from '../store/session-record.ts'
import { summaryOf } from '../store/session-summary.ts'
import type { LiveSession } from './live-session.ts'

/** A record (with its live state, when it has one) as `GET /search` lists it. */
export function toSummary(record: SessionRecord, live?: LiveSession): SessionSummary {
  return {
    ...summaryOf(record),
    status: live?.status ?? record.status,
    agent_status: live ? live.agentStatus : record.agent_status,
    last_activity_at: lastActivity(record, live),
  }
}

/** A record as `GET /sessions/:id` and `POST /start` return it. */
export function toSession(record: SessionRecord, live?: LiveSession): Session {
  return {
    ...toSummary(record, live),
    agent: record.agent,
    repository: record.repository,
    exit_code: record.exit_code,
    error: record.error,
    log_tail: record.log_tail,
    mcp_servers: Object.keys(record.mcp_servers),
  }
}

// The newest activity any replica saw: this one's in memory, the others' in the row.
function lastActivity(record: SessionRecord, live?: LiveSession): string {
  if (!live) return record.last_activity_at
  return new Date(Math.max(live.lastActivity, Date.parse(record.last_activity_at))).toISOString()
}
