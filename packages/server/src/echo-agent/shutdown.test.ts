import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { untilStable, useEchoAgents } from './test-agents.ts'

// The shutdown grace is 5 s; a stop that waits for a quiet client would take all of it.
const WELL_BEFORE_GRACE_MS = 2000

function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

async function timeClose(close: () => Promise<void>): Promise<number> {
  const started = performance.now()
  await close()
  return performance.now() - started
}

describe('echo agent shutdown', () => {
  const start = useEchoAgents()

  it('does not wait for a connection that never sent a request', async () => {
    const agent = await start()
    await untilStable(agent)
    const quiet = await openIdle(agent.port)
    const ended = new Promise((resolve) => quiet.once('close', resolve))
    try {
      expect(await timeClose(() => agent.close())).toBeLessThan(WELL_BEFORE_GRACE_MS)
      await ended
    } finally {
      quiet.destroy()
    }
  })
})
