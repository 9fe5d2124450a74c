import { afterEach } from 'vitest'
import { EventStreamReader, statusIs } from './event-stream-reader.ts'
import type { EchoAgentOptions } from './options.ts'
import { type EchoAgent, startEchoAgent } from './server.ts'

/**
 * Echo agents for tests: real HTTP on port 0, fast timings, closed after each test. Call at the
 * top of a `describe` (or file); the returned function starts one agent.
 */
export function useEchoAgents(defaults: EchoAgentOptions = {}) {
  const running: EchoAgent[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((agent) => agent.close()))
  })
  return async (options: EchoAgentOptions = {}): Promise<EchoAgent> => {
    const agent = await startEchoAgent({ port: 0, delayMs: 20, ...defaults, ...options })
    running.push(agent)
    return agent
  }
}

/** Resolves once the agent reports `stable` (at once, through the replay, if it already is). */
export async function untilStable(agent: EchoAgent): Promise<void> {
  const reader = new EventStreamReader(`${agent.url}/events`)
  try {
    await reader.until(statusIs('stable'))
  } finally {
    reader.close()
  }
}
