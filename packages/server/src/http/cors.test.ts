import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../../test/app-fixture.ts'
import { useSessionServices } from '../../test/sessions-fixture.ts'

describe('CORS on the API', () => {
  const newService = useSessionServices()
  const app = async () =>
    (
      await buildTestApp({
        sessions: newService().service,
        config: { cors: { allowed_origins: ['http://127.0.0.1:5173'] } },
      })
    ).app

  it('answers a preflight from an allowed origin itself, with credentials and the asked headers', async () => {
    const res = await (await app()).request('/oauth/authorize', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, authorization',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization')
  })

  it('marks responses, errors included, for an allowed origin only', async () => {
    const api = await app()
    const ok = await api.request('/auth/types', { headers: { Origin: 'http://127.0.0.1:5173' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    expect(ok.headers.get('access-control-expose-headers')).toContain('X-Request-Id')
    const error = await api.request('/sessions/nope', {
      headers: { Origin: 'http://127.0.0.1:5173' },
    })
    expect(error.status).toBe(422)
    expect(error.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    const stranger = await api.request('/auth/types', {
      headers: { Origin: 'https://evil.example' },
    })
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull()
  })
})
