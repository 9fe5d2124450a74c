import { ApiError, createClient } from '@agentapi-proxy/client'
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

// The proxy path answers 501 until the forwarder is wired: probe a started session to decide
// which of the two suites below runs.
const probe = await activeSession()
const probed = await fetch(`${proxy.url}/${probe}/status`)
const proxyWired = probed.status !== 501

async function newSession(): Promise<string> {
  const id = await activeSession()
  await eventually(async () => ((await client.status(id)).status === 'stable' ? true : undefined))
  return id
}

describe('the agent behind a session, through the proxy', () => {
  agentBehaviour(
    () => ({
      client,
      streams,
      newSession,
      cleanup: async () => {
        await Promise.all(started.splice(0).map((id) => client.deleteSession(id)))
      },
    }),
    proxyWired,
  )

  it.runIf(proxyWired)(
    'answers 404 session_not_found for a session that is not there',
    async () => {
      const id = crypto.randomUUID()
      await expect(client.status(id)).rejects.toMatchObject({
        status: 404,
        code: 'session_not_found',
        message: expect.stringMatching(new RegExp(`^GET /${id}/status → 404 session_not_found`)),
      })
      // Not worth a reconnection: the stream gives up at once.
      await expect(client.events(id).next()).rejects.toMatchObject({ code: 'session_not_found' })
    },
  )
})

describe('the agent methods while the proxy path is not implemented', () => {
  const notWired = it.runIf(!proxyWired)
  const id = probe
  const blob = new Blob(['x'])

  notWired.each([
    ['sendMessage', 'POST', 'message', () => client.sendMessage(id, 'hi')],
    ['messages', 'GET', 'messages', () => client.messages(id)],
    ['status', 'GET', 'status', () => client.status(id)],
    ['upload', 'POST', 'upload', () => client.upload(id, blob, 'x.txt')],
    ['events', 'GET', 'events', () => client.events(id).next()],
    ['waitForStatus', 'GET', 'events', () => client.waitForStatus(id, 'stable')],
    ['conversation', 'GET', 'events', () => client.conversation(id).next()],
  ] as const)(
    '%s throws ApiError 501 not_implemented naming %s /{id}/%s',
    async (_, method, path, call) => {
      const error = await call().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({
        status: 501,
        code: 'not_implemented',
        method,
        path: `/${id}/${path}`,
      })
      expect((error as ApiError).message).toMatch(
        new RegExp(
          `^${method} /${id}/${path} → 501 not_implemented: The session proxy is not implemented`,
        ),
      )
      expect((error as ApiError).problem).toMatchObject({ code: 'not_implemented', status: 501 })
    },
  )

  notWired('does not retry a 501 event stream: the answer would be the same', async () => {
    const opened = streams.opened
    await expect(client.events(id, { reconnect: { delay: 1 } }).next()).rejects.toBeInstanceOf(
      ApiError,
    )
    expect(streams.opened - opened).toBe(1)
  })
})
