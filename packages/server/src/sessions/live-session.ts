import type { AgentStatus, SessionStatus } from '@agentapi-proxy/shared'
import type { AgentRef } from '../provisioners/provisioner.ts'

/**
 * What the service holds in memory for a session that has (or is about to have) a process:
 * enough to answer the forwarder without touching the store, and to stop it.
 */
export interface LiveSession {
  sessionId: string
  ownerId: string
  /** The owner's role when they started it (for role env files); unknown after a restart. */
  ownerRole: string | null
  status: SessionStatus
  agentStatus: AgentStatus
  handle: AgentRef | null
  /** What the agent demands of every request; null for an agent started without one. */
  secret: string | null
  /** Aborted when the session is stopped: ends its start-up and its event follower. */
  abort: AbortController
  /** Milliseconds since the epoch of the last proxied request. */
  lastActivity: number
  /** When `last_activity_at` was last written to the store. */
  lastActivitySaved: number
  /** Settles when the start-up is over, however it ended. */
  launching: Promise<void> | null
  /** Set while a stop is in progress, so concurrent deletes wait for the same one. */
  stopping: Promise<boolean> | null
}
