import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../test/app-fixture.ts'
import { eventually, useSessionServices } from '../../test/sessions-fixture.ts'

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

describe('session routes', () => {
  const newService = useSessionServices()
  const newApp = async (limits = {}) =>
    (await buildTestApp({ sessions: newService({ limits }).service })).app

  it('POST /start answers 201 with the session; GET /sessions/:id follows it to active', async () => {
    const app = await newApp()
    const res = await app.request('/start', json({ tags: { team: 'infra' }, agent: 'claude' }))
    expect(res.status).toBe(201)
    const started = await res.json()
    expect(started).toMatchObject({
      status: 'starting',
      user_id: 'anonymous',
      tags: { team: 'infra' },
    })
    const active = await eventually(async () => {
      const s = await (await app.request(`/sessions/${started.session_id}`)).json()
      return s.status === 'active' ? s : undefined
    })
    expect(active.port).toBeGreaterThan(0)
    const search = await (await app.request('/search?tag.team=infra&status=active')).json()
    expect(search.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      started.session_id,
    ])
    const either = await (await app.request('/search?status=stopped,active,failed')).json()
    expect(either.sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      started.session_id,
    ])
    const ended = await (await app.request('/search?status=stopped,failed')).json()
    expect(ended.sessions).toEqual([])
    const logs = await (await app.request(`/sessions/${started.session_id}/logs?tail=5`)).json()
    expect(logs.lines.length).toBeGreaterThan(0)
    const deleted = await app.request(`/sessions/${started.session_id}`, { method: 'DELETE' })
    expect(await deleted.json()).toEqual({ session_id: started.session_id, status: 'terminated' })
  })

  it('starts with every default when POST /start has no body', async () => {
    const res = await (await newApp()).request('/start', { method: 'POST' })
    expect(res.status).toBe(201)
  })

  it('refuses a hijacking environment with 422 naming the key', async () => {
    const res = await (await newApp()).request(
      '/start',
      json({ environment: { NODE_OPTIONS: '--require x' } }),
    )
    expect(res.status).toBe(422)
    const problem = await res.json()
    expect(problem.errors).toEqual([
      {
        path: 'environment.NODE_OPTIONS',
        message: 'NODE_OPTIONS may never be set: NODE_* variables change how programs load or run',
      },
    ])
  })

  it('answers 429 with Retry-After at the limit', async () => {
    const app = await newApp({ maxSessions: 1 })
    expect((await app.request('/start', json({}))).status).toBe(201)
    const res = await app.request('/start', json({}))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(res.headers.get('content-type')).toBe('application/problem+json')
  })

  it('answers 404 problem+json for an unknown session and 422 for a malformed id', async () => {
    const app = await newApp()
    const missing = await app.request('/sessions/5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11')
    expect(missing.status).toBe(404)
    expect((await missing.json()).code).toBe('session_not_found')
    const malformed = await app.request('/sessions/not-a-uuid')
    expect(malformed.status).toBe(422)
    expect((await malformed.json()).errors[0].path).toBe('sessionId')
  })

  it('rejects unknown search parameters and a forged cursor by name', async () => {
    const app = await newApp()
    expect((await (await app.request('/search?colour=red')).json()).errors[0].path).toBe('colour')
    const status = await app.request('/search?status=active,stoped')
    expect(status.status).toBe(422)
    expect((await status.json()).errors).toEqual([
      {
        path: 'status',
        message:
          'Unknown status "stoped": use starting, active, stopping, stopped, failed, suspended, comma-separated',
      },
    ])
    const forged = await app.request('/search?cursor=bm9wZQ')
    expect(forged.status).toBe(422)
    expect((await forged.json()).errors[0].path).toBe('cursor')
  })
})
