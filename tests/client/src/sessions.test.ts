import { ApiError, createClient } from '@agentapi-proxy/client'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { eventually, startProxy } from './harness.ts'

const proxy = await startProxy()
afterAll(() => proxy.close())
const client = createClient({ baseUrl: proxy.url })
const started: string[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((id) => client.deleteSession(id).catch(() => {})))
})

async function start(tags: Record<string, string>) {
  const session = await client.start({ tags })
  started.push(session.session_id)
  return session
}

const active = (id: string) =>
  eventually(async () => {
    const session = await client.getSession(id)
    return session.status === 'active' ? session : undefined
  })

describe('health', () => {
  it('says the process is up and the store answers', async () => {
    expect(await client.health()).toEqual({ status: 'ok' })
    expect(await client.ready()).toEqual({ status: 'ready', checks: { store: 'ok', audit: 'ok' } })
  })
})

describe('sessions', () => {
  it('starts a session that becomes active, with its tags', async () => {
    const session = await start({ team: 'infra' })
    expect(session).toMatchObject({ status: 'starting', tags: { team: 'infra' }, agent: 'echo' })
    expect(session.session_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await active(session.session_id)).toMatchObject({ status: 'active', exit_code: null })
  })

  it('turns a rejected start into an ApiError naming the request and the field', async () => {
    const error = await client
      .start({ environment: { LD_PRELOAD: '/tmp/evil.so' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 422, code: 'invalid_request', method: 'POST' })
    expect((error as ApiError).message).toMatch(/^POST \/start → 422 invalid_request: .*LD_PRELOAD/)
  })

  it('finds sessions by tag and status, a page at a time, newest first', async () => {
    const run = crypto.randomUUID().slice(0, 8)
    const a = await start({ run, n: '1' })
    const b = await start({ run, n: '2' })
    const c = await start({ run, n: '3', odd: 'yes' })
    await start({ other: run })
    const first = await client.search({ tags: { run }, limit: 2 })
    expect(first.sessions.map((s) => s.session_id)).toEqual([c.session_id, b.session_id])
    expect(first.next_cursor).toEqual(expect.any(String))
    const second = await client.search({ tags: { run }, limit: 2, cursor: first.next_cursor ?? '' })
    expect(second).toMatchObject({ sessions: [{ session_id: a.session_id }], next_cursor: null })
    const both = await client.search({ tags: { run, odd: 'yes' } })
    expect(both.sessions.map((s) => s.session_id)).toEqual([c.session_id])
    await active(a.session_id)
    const actives = await client.search({ tags: { run, n: '1' }, status: 'active' })
    expect(actives.sessions).toMatchObject([{ session_id: a.session_id, status: 'active' }])
  })

  it('reads one session, and says which request found none', async () => {
    const { session_id } = await start({})
    expect(await client.getSession(session_id)).toMatchObject({ session_id, log_tail: [] })
    const missing = crypto.randomUUID()
    await expect(client.getSession(missing)).rejects.toMatchObject({
      name: 'ApiError',
      status: 404,
      code: 'session_not_found',
      path: `/sessions/${missing}`,
      message: expect.stringMatching(
        new RegExp(`^GET /sessions/${missing} → 404 session_not_found: `),
      ),
    })
  })

  it('tails the agent’s log', async () => {
    const { session_id } = await start({})
    await active(session_id)
    const logs = await eventually(async () => {
      const tail = await client.logs(session_id, { tail: 1 })
      return tail.lines.length > 0 ? tail : undefined
    })
    expect(logs).toMatchObject({ session_id, lines: [expect.any(String)] })
    expect((await client.logs(session_id)).lines.length).toBeGreaterThanOrEqual(1)
    await expect(client.logs(session_id, { tail: 0 })).rejects.toMatchObject({
      status: 422,
      code: 'invalid_request',
    })
  })

  it('deletes a session: it is stopped, and the request names a missing one', async () => {
    const { session_id } = await start({})
    await active(session_id)
    expect(await client.deleteSession(session_id)).toEqual({ session_id, status: 'terminated' })
    expect((await client.getSession(session_id)).status).toBe('stopped')
    const missing = crypto.randomUUID()
    await expect(client.deleteSession(missing)).rejects.toThrow(
      `DELETE /sessions/${missing} → 404 session_not_found`,
    )
  })

  it('escapes ids, so an id can never reach another route', async () => {
    await expect(client.getSession('../health')).rejects.toMatchObject({
      path: '/sessions/..%2Fhealth',
      status: 422,
    })
  })
})
