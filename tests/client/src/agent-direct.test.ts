import { createClient } from '@agentapi-proxy/client'
import { type EchoAgent, startEchoAgent } from '@agentapi-proxy/server'
import { afterAll, describe, expect, it } from 'vitest'
import { agentBehaviour } from './agent-suite.ts'
import { droppableEventStreams, eventually } from './harness.ts'
import { startPrefixShim } from './prefix-shim.ts'

// The same behaviour as agent.test.ts, against a real echo agent behind a minimal
// prefix-stripping forwarder: it runs whether or not the proxy's forwarder is wired yet.
const shim = await startPrefixShim()
const streams = droppableEventStreams()
const client = createClient({ baseUrl: shim.url, fetch: streams.fetch })
const agents: EchoAgent[] = []
afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()))
  await shim.close()
})

async function newSession(): Promise<string> {
  const agent = await startEchoAgent({ port: 0, type: 'claude', delayMs: 20 })
  agents.push(agent)
  const id = shim.add(agent.port)
  await eventually(async () => ((await client.status(id)).status === 'stable' ? true : undefined))
  return id
}

describe('the agent behind a session (echo agent behind a prefix-stripping forwarder)', () => {
  agentBehaviour(
    () => ({
      client,
      streams,
      newSession,
      cleanup: async () => {
        await Promise.all(agents.splice(0).map((agent) => agent.close()))
      },
    }),
    true,
  )

  it('reconnects when the server side ends the stream', async () => {
    const id = await newSession()
    const opens: boolean[] = []
    const events = client.events(id, {
      reconnect: { delay: 10 },
      onOpen: (reconnected) => opens.push(reconnected),
    })
    const pull = async (type: string) => {
      for (let next = await events.next(); !next.done; next = await events.next()) {
        if (next.value.type === type) return next.value
      }
    }
    await pull('status_change')
    expect(shim.dropStreams()).toBeGreaterThan(0)
    expect(await pull('status_change')).toMatchObject({ data: { status: 'stable' } })
    expect(opens).toEqual([false, true])
    await events.return()
  })

  it('ends the iteration quietly when its signal aborts', async () => {
    const id = await newSession()
    const controller = new AbortController()
    const seen: string[] = []
    for await (const event of client.events(id, { signal: controller.signal })) {
      seen.push(event.type)
      if (event.type === 'status_change') controller.abort()
    }
    expect(seen).toEqual(['message_update', 'status_change'])
  })

  it('throws the first error at once when reconnecting is off', async () => {
    const id = await newSession()
    const events = client.events(id, { reconnect: false })
    await events.next()
    streams.dropEventStreams()
    await expect(
      (async () => {
        for await (const _ of events) {
          // drain until the cut reaches the reader
        }
      })(),
    ).rejects.toThrow()
  })
})
