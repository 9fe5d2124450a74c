import type { Session, SessionSummary } from '@agentapi-proxy/shared'
import type { SessionRecord } from '../store/session-record.ts'
import type { LiveSession } from './live-session.ts'

/** A record (with its live state, when it has one) as `GET /search` lists it. */
export function toSummary(record: SessionRecord, live?: LiveSession): SessionSummary {
  return {
    session_id: record.session_id,
    user_id: record.user_id,
    status: live?.status ?? record.status,
    agent_status: live ? live.agentStatus : record.agent_status,
    started_at: record.started_at,
    last_activity_at: live ? new Date(live.lastActivity).toISOString() : record.last_activity_at,
    port: record.port,
    tags: record.tags,
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
  }
}
