import type { SessionSummary } from '@agentapi-proxy/shared'
import type { SessionRecord } from './session-record.ts'

/**
 * A stored row as `GET /search` lists it (the runtime overlays its live state on top, see
 * sessions/views.ts); also what each event of the log carries.
 */
export function summaryOf(record: SessionRecord): SessionSummary {
  return {
    session_id: record.session_id,
    user_id: record.user_id,
    status: record.status,
    agent_status: record.agent_status,
    started_at: record.started_at,
    last_activity_at: record.last_activity_at,
    port: portOf(record.agent_url),
    tags: record.tags,
  }
}

// The API has always shown the agent's port; it is now the port of its URL.
function portOf(url: string | null): number | null {
  if (url === null) return null
  const { port, protocol } = new URL(url)
  if (port) return Number(port)
  return protocol === 'https:' ? 443 : 80
}
