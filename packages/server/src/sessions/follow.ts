import type { Logger } from '../logger.ts'
import { AgentClient } from './agent-client.ts'
import type { LiveSession } from './live-session.ts'

/** What the follower reports back to the service. */
export interface FollowCallbacks {
  onAgentStatus(status: 'running' | 'stable'): void
  /** Called at each `stable`; returns the first message when one is still to be sent. */
  takeInitialMessage(): string | null
}

const RECONNECT_MS = 250

/**
 * Keeps `agent_status` current by following the agent's `/events` (agentapi replays the
 * current status on connect, so a reconnect never misses the state), and sends the session's
 * first message the first time the agent is `stable`. Ends when the session is stopped.
 */
export async function followAgent(live: LiveSession, callbacks: FollowCallbacks, logger: Logger) {
  const { signal } = live.abort
  const url = live.handle?.url
  if (!url) return
  const client = new AgentClient(url, live.secret)
  while (!signal.aborted && live.status === 'active') {
    try {
      for await (const event of client.events(signal)) {
        const status = (event.data as { status?: unknown } | null)?.status
        if (event.event !== 'status_change' || (status !== 'running' && status !== 'stable'))
          continue
        callbacks.onAgentStatus(status)
        const message = status === 'stable' ? callbacks.takeInitialMessage() : null
        if (message !== null) {
          await client.sendUserMessage(message).catch((error: Error) => {
            logger.warn(
              { session_id: live.sessionId, err: error.message },
              'first message not sent',
            )
          })
        }
      }
    } catch (error) {
      if (signal.aborted) return
      logger.debug({ session_id: live.sessionId, err: (error as Error).message }, 'events dropped')
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS))
  }
}
