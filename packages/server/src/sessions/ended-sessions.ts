import type { AgentExit } from '../provisioners/provisioner.ts'
import type { ProxyTarget } from '../proxy/directory.ts'

// Enough for every failure between two prunes on a busy proxy; beyond it the oldest answer
// 404 again, which is what they answer after a restart anyway.
const REMEMBERED = 10_000

/**
 * The sessions whose agent died under them, so the proxy path can answer 502 with the reason
 * (and still 404 to anyone else) instead of a 404 that reads like a typo in the id. In memory:
 * the forwarder's lookups never touch the store.
 */
export class EndedSessions {
  readonly #failed = new Map<string, { ownerId: string; reason: string }>()

  remember(sessionId: string, ownerId: string, reason: string): void {
    this.#failed.delete(sessionId)
    this.#failed.set(sessionId, { ownerId, reason })
    if (this.#failed.size > REMEMBERED) {
      const oldest = this.#failed.keys().next().value
      if (oldest !== undefined) this.#failed.delete(oldest)
    }
  }

  forget(sessionId: string): void {
    this.#failed.delete(sessionId)
  }

  lookup(sessionId: string): ProxyTarget | undefined {
    const failed = this.#failed.get(sessionId)
    if (!failed) return undefined
    return { url: null, ownerId: failed.ownerId, status: 'failed', reason: failed.reason }
  }
}

/**
 * Why an agent that was not being stopped ended, as the session's `error` says it.
 *
 * @example
 * describeExit({ code: null, signal: 'SIGKILL' }) // 'The agent was killed by SIGKILL'
 */
export function describeExit(exit: AgentExit): string {
  if (exit.signal) return `The agent was killed by ${exit.signal}`
  if (exit.code !== null) return `The agent exited by itself with code ${exit.code}`
  // An adopted agent is not our child: its end is seen, its exit status is not.
  return 'The agent exited; its exit status is unknown (it was started by an earlier run)'
}
