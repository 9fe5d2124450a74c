import { type IncomingMessage, request, type ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { HostCheck } from '../echo-agent/host-check.ts'
import {
  authenticateByToken,
  closeAfterEach,
  echoRequest,
  FakeDirectory,
  FrameReader,
  listen,
  OTHER_SESSION,
  readAll,
  SESSION,
  send,
  startProxy,
} from './testbed.ts'

const closeLater = closeAfterEach()

async function backend(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = await listen(handler)
  closeLater(server)
  return server
}

/** A proxy with token auth in front of `url` for alice's SESSION. */
async function proxyTo(
  url: string | null,
  target: Partial<{ status: string; ownerId: string; reason: string }> = {},
) {
  const directory = new FakeDirectory().set(SESSION, { url, ...target } as { url: string })
  const proxy = await startProxy({ directory, authenticate: authenticateByToken })
  closeLater(proxy)
  return proxy
}

const AS_ALICE = { authorization: 'Bearer alice' }

describe('forwarder: who may reach which session', () => {
  it('forwards to the session owner, with the prefix stripped and the query kept', async () => {
    const agent = await backend(echoRequest)
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/messages?after=2&x=%2F`, { headers: AS_ALICE })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ method: 'GET', url: '/messages?after=2&x=%2F' })
    expect(proxy.directory.touched).toEqual([SESSION])
  })

  it('forwards a bare /<session id> as /', async () => {
    const agent = await backend(echoRequest)
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}?q=1`, { headers: AS_ALICE })
    expect(JSON.parse(res.body).url).toBe('/?q=1')
  })

  it('answers 401 problem+json without credentials, and never calls the agent', async () => {
    let calls = 0
    const agent = await backend((req, res) => {
      calls++
      echoRequest(req, res)
    })
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: { 'x-request-id': 'r-1' } })
    expect(res.status).toBe(401)
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(res.body)).toMatchObject({
      status: 401,
      code: 'unauthorized',
      request_id: 'r-1',
      instance: `/${SESSION}/status`,
    })
    expect(res.headers['x-request-id']).toBe('r-1')
    expect(calls).toBe(0)
    expect(proxy.directory.touched).toEqual([])
  })

  it('answers 403 to a caller without session:access', async () => {
    const proxy = await proxyTo('http://127.0.0.1:1')
    const res = await send(`${proxy.url}/${SESSION}/status`, {
      headers: { authorization: 'Bearer lister' },
    })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).code).toBe('forbidden')
  })

  it("answers someone else's session exactly like a missing one", async () => {
    const agent = await backend(echoRequest)
    const proxy = await proxyTo(agent.url)
    proxy.directory.set(OTHER_SESSION, { url: agent.url, ownerId: 'bob' })
    const theirs = await send(`${proxy.url}/${OTHER_SESSION}/status`, { headers: AS_ALICE })
    const missing = await send(`${proxy.url}/${SESSION.replace('0b', '0c')}/status`, {
      headers: AS_ALICE,
    })
    for (const res of [theirs, missing]) {
      expect(res.status).toBe(404)
      expect(JSON.parse(res.body).code).toBe('session_not_found')
    }
    const shape = (body: string) => Object.keys(JSON.parse(body)).sort()
    expect(shape(theirs.body)).toEqual(shape(missing.body))
    const asBob = await send(`${proxy.url}/${OTHER_SESSION}/status`, {
      headers: { authorization: 'Bearer bob' },
    })
    expect(asBob.status).toBe(200)
  })

  it("lets an admin reach anyone's session", async () => {
    const agent = await backend(echoRequest)
    const proxy = await proxyTo(agent.url, { ownerId: 'bob' })
    const res = await send(`${proxy.url}/${SESSION}/status`, {
      headers: { authorization: 'Bearer admin' },
    })
    expect(res.status).toBe(200)
  })

  it.each([
    ['starting', 503, 'session_not_ready'],
    ['suspended', 503, 'session_not_ready'],
    ['stopping', 410, 'session_ended'],
    ['stopped', 410, 'session_ended'],
    ['failed', 410, 'session_ended'],
  ])('answers a %s session with %i %s', async (status, code, type) => {
    const agent = await backend(echoRequest)
    const proxy = await proxyTo(agent.url, { status })
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: AS_ALICE })
    expect(res.status).toBe(code)
    expect(JSON.parse(res.body).code).toBe(type)
    if (code === 503) expect(res.headers['retry-after']).toBe('2')
  })

  it('says how and why a session ended, and still 404 to anyone else', async () => {
    const agent = await backend(echoRequest)
    const reason = 'The agent exited by itself with code 7'
    const proxy = await proxyTo(agent.url, { status: 'failed', reason })
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: AS_ALICE })
    expect(res.status).toBe(410)
    expect(JSON.parse(res.body)).toMatchObject({
      code: 'session_ended',
      session_status: 'failed',
      session_error: reason,
      detail: expect.stringContaining('code 7'),
    })
    const other = await proxyTo(agent.url, { status: 'failed', reason, ownerId: 'bob' })
    expect((await send(`${other.url}/${SESSION}/status`, { headers: AS_ALICE })).status).toBe(404)
  })

  it('answers 503 for an active session that has no address yet', async () => {
    const proxy = await proxyTo(null)
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: AS_ALICE })
    expect(res.status).toBe(503)
  })

  it('answers 500 without details when authenticate itself breaks', async () => {
    const directory = new FakeDirectory().set(SESSION, { url: 'http://127.0.0.1:1' })
    const proxy = await startProxy({
      directory,
      authenticate: async () => {
        throw new Error('store is down: password=hunter2')
      },
    })
    closeLater(proxy)
    const res = await send(`${proxy.url}/${SESSION}/status`)
    expect(res.status).toBe(500)
    expect(res.body).not.toContain('hunter2')
    expect(proxy.logs.text()).toContain('store is down')
  })
})

describe('forwarder: headers', () => {
  it("strips the caller's credentials and hop-by-hop headers and sets X-Forwarded-*", async () => {
    const agent = await backend(echoRequest)
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory, apiKeyHeader: 'X-Team-Key' })
    closeLater(proxy)
    const res = await send(`${proxy.url}/${SESSION}/status`, {
      headers: {
        authorization: 'Bearer secret-1',
        'x-team-key': 'secret-2',
        cookie: 'agentapi_proxy_session=secret-3',
        'proxy-authorization': 'Basic secret-4',
        connection: 'keep-alive, x-hop',
        'x-hop': 'hop',
        te: 'trailers',
        'x-forwarded-for': '203.0.113.9',
        'x-custom': 'kept',
      },
    })
    const seen = JSON.parse(res.body)
    expect(JSON.stringify(seen)).not.toMatch(/secret|x-hop|"te"/)
    expect(seen.headers).toMatchObject({
      host: `127.0.0.1:${agent.port}`,
      'x-custom': 'kept',
      'x-forwarded-for': '203.0.113.9, 127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': `127.0.0.1:${proxy.port}`,
    })
    expect(seen.headers['x-request-id']).toBe(res.headers['x-request-id'])
  })

  it("presents a Host that agentapi's default Host check accepts", async () => {
    const check = new HostCheck(['localhost', '127.0.0.1', '::1'])
    const agent = await backend((req, res) => {
      if (!check.allows(req.headers.host)) return check.reject(res)
      res.end('ok')
    })
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/status`, {
      headers: { ...AS_ALICE, host: 'agents.example.com' },
    })
    expect(res.body).toBe('ok')
  })

  it('presents agents on other hosts (a pod) as localhost:<port>', async () => {
    const agent = await backend(echoRequest)
    const proxy = await proxyTo(agent.url.replace('127.0.0.1', 'localhost'))
    const res = await send(`${proxy.url}/${SESSION}/`, { headers: AS_ALICE })
    expect(JSON.parse(res.body).headers.host).toBe(`localhost:${agent.port}`)
  })

  it("passes the agent's status and headers through, minus hop-by-hop headers and cookies", async () => {
    const agent = await backend((_req, res) => {
      res.writeHead(422, {
        'content-type': 'application/problem+json',
        link: '</schemas/ErrorModel.json>; rel="describedBy"',
        connection: 'x-agent-hop',
        'x-agent-hop': '1',
        'set-cookie': 'planted=1; Path=/',
      })
      res.end('{"title":"Unprocessable Entity"}')
    })
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/message`, {
      method: 'POST',
      headers: AS_ALICE,
      body: '{}',
    })
    expect(res.status).toBe(422)
    expect(res.body).toBe('{"title":"Unprocessable Entity"}')
    // agentapi's relative schema link, moved under the session's path (schema-link.ts).
    expect(res.headers.link).toBe(`</${SESSION}/schemas/ErrorModel.json>; rel="describedBy"`)
    expect(res.headers['x-agent-hop']).toBeUndefined()
    expect(res.headers['set-cookie']).toBeUndefined()
  })
})

describe('forwarder: responses without a body', () => {
  it.each([
    ['HEAD', 200],
    ['GET', 204],
    ['GET', 304],
  ])('relays %s → %i without waiting for a body', async (method, status) => {
    const agent = await backend((_req, res) => {
      res.writeHead(status, { 'content-length': status === 200 ? '42' : '0' })
      res.end()
    })
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/status`, { method, headers: AS_ALICE })
    expect(res.status).toBe(status)
    expect(res.body).toBe('')
  })
})

describe('forwarder: an agent that is gone', () => {
  it('answers 502 agent_unavailable and reports it when the agent refuses connections', async () => {
    const agent = await backend(echoRequest)
    await agent.close()
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: AS_ALICE })
    expect(res.status).toBe(502)
    expect(res.headers['content-type']).toBe('application/problem+json')
    const problem = JSON.parse(res.body)
    expect(problem).toMatchObject({
      code: 'agent_unavailable',
      request_id: res.headers['x-request-id'],
    })
    expect(proxy.directory.gone).toEqual([
      { sessionId: SESSION, reason: expect.stringContaining('ECONNREFUSED') },
    ])
  })

  it('answers 502 to an upload for an agent that is gone, and keeps serving', async () => {
    const agent = await backend(echoRequest)
    await agent.close()
    const proxy = await proxyTo(agent.url)
    const upload = { method: 'POST', headers: AS_ALICE, body: 'x'.repeat(1024 * 1024) }
    expect((await send(`${proxy.url}/${SESSION}/upload`, upload)).status).toBe(502)
    expect((await send(`${proxy.url}/${SESSION}/upload`, upload)).status).toBe(502)
    expect(proxy.directory.gone).toHaveLength(2)
  })

  it('answers 502 when the agent drops the connection before answering', async () => {
    const agent = await backend((req) => req.socket.destroy())
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: AS_ALICE })
    expect(res.status).toBe(502)
    expect(proxy.directory.gone).toHaveLength(1)
  })

  it('answers 502 without reporting the agent gone when it is only slow', async () => {
    const agent = await backend(() => {})
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory, timeouts: { headersMs: 100 } })
    closeLater(proxy)
    const res = await send(`${proxy.url}/${SESSION}/message`, { method: 'POST', body: '{}' })
    expect(res.status).toBe(502)
    expect(JSON.parse(res.body).detail).toContain('did not answer in time')
    expect(directory.gone).toEqual([])
  })

  it('answers 502 when a JSON head comes and its body stalls, without reporting the agent gone', async () => {
    const agent = await backend((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.flushHeaders()
    })
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory, timeouts: { bodyMs: 200 } })
    closeLater(proxy)
    const res = await send(`${proxy.url}/${SESSION}/messages`)
    expect(res.status).toBe(502)
    expect(JSON.parse(res.body).detail).toContain('did not answer in time')
    expect(directory.gone).toEqual([])
  })

  it('cuts a body that stalls after it started, and keeps serving', async () => {
    let calls = 0
    const agent = await backend((_req, res) => {
      calls += 1
      res.writeHead(200, { 'content-type': 'text/plain' })
      if (calls === 1) res.write('half of it')
      else res.end('all of it')
    })
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory, timeouts: { bodyMs: 200 } })
    closeLater(proxy)
    const started = performance.now()
    await expect(send(`${proxy.url}/${SESSION}/file`)).rejects.toThrow(/aborted/)
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
    expect((await send(`${proxy.url}/${SESSION}/file`)).body).toBe('all of it')
    expect(directory.gone).toEqual([])
  })

  it('does not count a caller that stops reading as a stalled body', async () => {
    const size = 16 * 1024 * 1024
    const agent = await backend((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(Buffer.alloc(size, 1))
    })
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory, timeouts: { bodyMs: 200 } })
    closeLater(proxy)
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      request(`${proxy.url}/${SESSION}/file`).on('response', resolve).on('error', reject).end(),
    )
    res.pause()
    // Long past the body timeout with the proxy's send queue full and the agent held back.
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect((await readAll(res)).body).toHaveLength(size)
  })

  it('keeps an event stream open through a silence longer than the body timeout', async () => {
    const agent = await backend((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: status_change\ndata: {"status":"stable"}\n\n')
      setTimeout(() => res.write('event: status_change\ndata: {"status":"running"}\n\n'), 600)
    })
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory, timeouts: { bodyMs: 200 } })
    closeLater(proxy)
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      request(`${proxy.url}/${SESSION}/events`).on('response', resolve).on('error', reject).end(),
    )
    const frames = new FrameReader(res)
    expect(await frames.next()).toContain('"stable"')
    expect(await frames.next()).toContain('"running"')
    expect(frames.ended).toBe(false)
    res.destroy()
  })

  it('answers 502 without reporting the agent gone when it answers garbage', async () => {
    const agent = await backend((req) => req.socket.end('SPEAK FRIEND\r\n\r\n'))
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/status`, { headers: AS_ALICE })
    expect(res.status).toBe(502)
    expect(JSON.parse(res.body).detail).toContain('not valid HTTP')
    expect(proxy.directory.gone).toEqual([])
  })

  it('waits longer than a slow POST /message by default', async () => {
    const agent = await backend((req, res) => {
      setTimeout(() => echoRequest(req, res), 1_500)
    })
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/message`, {
      method: 'POST',
      headers: AS_ALICE,
      body: '{"content":"hi","type":"user"}',
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).body).toBe('{"content":"hi","type":"user"}')
  })
})
