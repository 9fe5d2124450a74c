import type { SessionStatus } from '@agentapi-proxy/shared'

/** Where a session's agentapi listens and who owns it: what the forwarder needs per request. */
export interface ProxyTarget {
  /** Base URL of the session's agentapi, e.g. `http://127.0.0.1:9003`. Null until it runs. */
  url: string | null
  ownerId: string
  status: SessionStatus
  /** Sent to the agent in `X-Agentapi-Proxy-Secret` on every request; absent: none. */
  secret?: string | null
  /** Why a `failed` session's agent is gone, e.g. `The agent was killed by SIGKILL`. */
  reason?: string | null
}

/**
 * The sessions as the forwarder sees them, whichever replica runs them. A lookup is a memory
 * hit after the first request for a session (route-cache.ts); only a miss reads the store.
 */
export interface SessionDirectory {
  lookup(sessionId: string): Promise<ProxyTarget | undefined>
  /** Proxied traffic counts as activity (what idle culling reads, on every replica). */
  touch(sessionId: string): void
  /** The agent refused or dropped a connection: the service re-checks it and marks the session. */
  reportAgentGone(sessionId: string, reason: string): void
}
