import type { McpServers, StartSessionRequest } from '@agentapi-proxy/shared'
import { newAgentSecret } from '../agent-guard/contract.ts'
import type { AgentChoice } from '../provisioners/agent-command.ts'
import type { SessionRecord } from '../store/session-record.ts'

/** What a new session is made of. */
export interface NewSession {
  sessionId: string
  userId: string
  /** The role of whoever starts it. */
  ownerRole: string | null
  request: StartSessionRequest
  /** The config's and the role's MCP servers with the request's, already checked. */
  mcpServers: McpServers
  agent: AgentChoice
  defaultAgentType: string
  startedAt: Date
  /** The replica that starts it, and until when its claim holds. */
  owner: string | null
  leaseUntil: string | null
}

/** The record of a session that is about to start. */
export function newSessionRecord(input: NewSession): SessionRecord {
  const { request, agent } = input
  const now = input.startedAt.toISOString()
  return {
    session_id: input.sessionId,
    user_id: input.userId,
    owner_role: input.ownerRole,
    status: 'starting',
    agent_status: null,
    agent: agent.kind === 'custom' ? agent.description : agent.kind,
    agent_type: request.agent ?? input.defaultAgentType,
    repository: request.repository ?? null,
    tags: request.tags ?? {},
    environment: request.environment ?? {},
    mcp_servers: input.mcpServers,
    initial_message: request.message ?? null,
    initial_message_sent: false,
    agent_url: null,
    handle: null,
    owner: input.owner,
    lease_until: input.leaseUntil,
    agent_secret: newAgentSecret(),
    started_at: now,
    last_activity_at: now,
    stopped_at: null,
    exit_code: null,
    error: null,
    log_tail: [],
  }
}
