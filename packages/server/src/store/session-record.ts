import type {
  AgentStatus,
  Environment,
  McpServers,
  SessionStatus,
  Tags,
} from '@agentapi-proxy/shared'
import type { ProvisionerHandle } from '../provisioners/provisioner.ts'

/**
 * A session as the store keeps it: what the API shows plus what the proxy needs to run, find
 * and restore it. Timestamps are ISO strings so every backend stores them the same way.
 */
export interface SessionRecord {
  session_id: string
  user_id: string
  /** The owner's role when they started it: a restart gives the agent that role's env file. */
  owner_role: string | null
  status: SessionStatus
  agent_status: AgentStatus
  /** What runs it, as people read it (`echo`, `agentapi`, or the configured command). */
  agent: string
  /** agentapi `--type`. */
  agent_type: string
  repository: string | null
  tags: Tags
  /** The request's environment (validated); kept so a session can be restarted. */
  environment: Environment
  /**
   * The agent's MCP servers (the config's and the role's defaults with the request's), written
   * into its workdir at every start. Their `env` and `headers` values are sealed at rest.
   */
  mcp_servers: McpServers
  /** The first user message, sent once the agent is stable. */
  initial_message: string | null
  initial_message_sent: boolean
  /** Where any replica reaches the agent (`http://127.0.0.1:9003`); null until it runs. */
  agent_url: string | null
  /** The provisioner's own record of the agent (a pid, a pod name), opaque to the rest. */
  handle: ProvisionerHandle | null
  /** The replica that runs the session's lifecycle; null while no replica holds it. */
  owner: string | null
  /** Until when the owner's claim holds (ISO); past it, another replica may take over. */
  lease_until: string | null
  /**
   * What the agent demands of every request (agent-guard/contract.ts): without it, knowing the
   * port is not enough. Sealed at rest; never in a view or a log. Null for rows from before.
   */
  agent_secret: string | null
  started_at: string
  last_activity_at: string
  stopped_at: string | null
  exit_code: number | null
  error: string | null
  /** The last lines of the agent's output, kept when it failed. */
  log_tail: string[]
}

/** Statuses in which a session holds resources and counts against the limits. */
export const LIVE_STATUSES = [
  'starting',
  'active',
  'stopping',
] as const satisfies readonly SessionStatus[]

/** Statuses of a session that is over; retention prunes these. */
export const ENDED_STATUSES = ['stopped', 'failed'] as const satisfies readonly SessionStatus[]

/** Statuses a replica can hold a session in: live ones, and suspended ones waiting for one. */
export const CLAIMABLE_STATUSES = [...LIVE_STATUSES, 'suspended'] as const

/** Whether a replica can hold (claim, take over, stop) a session in this status. */
export function isClaimable(status: SessionStatus): boolean {
  return (CLAIMABLE_STATUSES as readonly SessionStatus[]).includes(status)
}

/** Whether a session is live (holds a process or is about to). */
export function isLive(status: SessionStatus): boolean {
  return (LIVE_STATUSES as readonly SessionStatus[]).includes(status)
}
