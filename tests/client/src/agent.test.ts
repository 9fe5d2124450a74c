import { createClient } from '@agentapi-proxy/client'
import { afterAll, describe, expect, it } from 'vitest'
import { agentBehaviour } from './agent-suite.ts'
import { droppableEventStreams, eventually, startProxy } from './harness.ts'

const proxy = await startProxy()
afterAll(() => proxy.close())
const streams = droppableEventStreams()
const client = createClient({ baseUrl: proxy.url, fetch: streams.fetch })
const started: string[] = []

async function activeSession(): Promise<string> {
  const { session_id } = await client.start({ tags: { suite: 'agent' } })
  started.push(session_id)
  await eventually(async () => {
    const session = await client.getSession(session_id)
    if (session.status === 'failed') throw new Error(`session failed: ${session.error}`)
    return session.status === 'active' ? session : undefined
  })
  return session_id
}

async function newSession(): Promise<string> {
  const id = await activeSession()
  await eventually(async () => ((await client.status(id)).status === 'stable' ? true : undefined))
  return id
}

describe('the agent behind a session, through the proxy', () => {
  agentBehaviour(() => ({
    client,
    streams,
    newSession,
    cleanup: async () => {
      await Promise.all(started.splice(0).map((id) => client.deleteSession(id)))
    },
  }))

  it('answers 404 session_not_found for a session that is not there', async () => {
    const id = crypto.randomUUID()
    await expect(client.status(id)).rejects.toMatchObject({
      status: 404,
      code: 'session_not_found',
      message: expect.stringMatching(new RegExp(`^GET /${id}/status → 404 session_not_found`)),
    })
    // Not worth a reconnection: the stream gives up at once.
    await expect(client.events(id).next()).rejects.toMatchObject({ code: 'session_not_found' })
  })
})
