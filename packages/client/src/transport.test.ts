import { describe, expect, it } from 'vitest'
import { ApiError } from './api-error.ts'
import { createClient } from './client.ts'

/** A fetch that records each request and answers from `answer`. */
function recorder(answer: (request: Request, count: number) => Response = () => ok({})) {
  const requests: Request[] = []
  const fetch = async (request: Request) => {
    // A copy: ky cancels the body of the request it sent once the call is over.
    requests.push(request.clone())
    return answer(request, requests.length)
  }
  return { requests, fetch }
}

const ok = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
const fail = (status: number) => new Response('', { status })

describe('createClient', () => {
  it('sends the API key, the bearer token and extra headers on every request', async () => {
    const { requests, fetch } = recorder()
    const client = createClient({
      baseUrl: 'http://proxy.test',
      apiKey: 'k1',
      token: 't1',
      headers: { 'X-Trace': 'abc' },
      fetch,
    })
    await client.health()
    const headers = requests[0]?.headers
    expect(headers?.get('x-api-key')).toBe('k1')
    expect(headers?.get('authorization')).toBe('Bearer t1')
    expect(headers?.get('x-trace')).toBe('abc')
    expect(headers?.get('accept')).toBe('application/json')
  })

  it('sends the API key in the header the server is configured with', async () => {
    const { requests, fetch } = recorder()
    await createClient({
      baseUrl: 'http://proxy.test',
      apiKey: 'k',
      apiKeyHeader: 'X-Team-Key',
      fetch,
    }).health()
    expect(requests[0]?.headers.get('x-team-key')).toBe('k')
    expect(requests[0]?.headers.has('x-api-key')).toBe(false)
    expect(requests[0]?.headers.has('authorization')).toBe(false)
  })

  it('keeps a path prefix of the base URL, with or without its trailing slash', async () => {
    for (const baseUrl of [
      'http://host.test/agents',
      'http://host.test/agents/',
      new URL('http://host.test/agents/'),
    ]) {
      const { requests, fetch } = recorder()
      await createClient({ baseUrl, fetch }).getSession('abc')
      expect(requests[0]?.url).toBe('http://host.test/agents/sessions/abc')
    }
  })

  it('builds the query strings of search, logs and the OAuth callback', async () => {
    const { requests, fetch } = recorder()
    const client = createClient({ baseUrl: 'http://p.test', fetch })
    await client.search({ status: 'active', tags: { team: 'infra' } })
    await client.logs('s1', { tail: 5 })
    await client.logs('s1')
    await client.oauthCallback({ code: 'c 1', state: 's&2' })
    expect(requests.map((r) => r.url)).toEqual([
      'http://p.test/search?status=active&tag.team=infra',
      'http://p.test/sessions/s1/logs?tail=5',
      'http://p.test/sessions/s1/logs',
      'http://p.test/oauth/callback?code=c+1&state=s%262',
    ])
  })

  it('escapes ids in paths, and refuses the ids that would leave their route', async () => {
    const { requests, fetch } = recorder()
    const client = createClient({ baseUrl: 'http://p.test/prefix/', fetch })
    await client.getSession('a/b?c#d')
    await client.logs('../../x')
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual([
      '/prefix/sessions/a%2Fb%3Fc%23d',
      '/prefix/sessions/..%2F..%2Fx/logs',
    ])
    await expect(client.deleteSession('..')).rejects.toThrow('DELETE /sessions/..: an id cannot')
    await expect(client.status('.')).rejects.toBeInstanceOf(TypeError)
    expect(requests).toHaveLength(2)
  })

  it('retries idempotent requests on 503, never a POST, and never a 501', async () => {
    const flaky = recorder((_, count) => (count === 1 ? fail(503) : ok({ status: 'ok' })))
    const retry = { limit: 2, delay: () => 1 }
    expect(
      await createClient({ baseUrl: 'http://p.test', fetch: flaky.fetch, retry }).health(),
    ).toEqual({ status: 'ok' })
    expect(flaky.requests).toHaveLength(2)

    const post = recorder(() => fail(503))
    await expect(
      createClient({ baseUrl: 'http://p.test', fetch: post.fetch, retry }).start(),
    ).rejects.toMatchObject({ status: 503 })
    expect(post.requests).toHaveLength(1)

    const unbuilt = recorder(() => fail(501))
    await expect(
      createClient({ baseUrl: 'http://p.test', fetch: unbuilt.fetch, retry }).listApiKeys(),
    ).rejects.toMatchObject({ code: 'not_implemented' })
    expect(unbuilt.requests).toHaveLength(1)
  })

  it('names the request in the ApiError of a non-2xx answer, and leaves out its query', async () => {
    const { fetch } = recorder(() => fail(418))
    const error = await createClient({ baseUrl: 'http://p.test/x/', fetch, retry: 0 })
      .oauthCallback({ code: 'secret', state: 's' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toBe('GET /oauth/callback → 418 http_418')
  })

  it('resolves ready() with the readiness body of a 503, without retrying', async () => {
    const body = { status: 'unavailable', checks: { store: 'error' } }
    const down = recorder(() => new Response(JSON.stringify(body), { status: 503 }))
    expect(await createClient({ baseUrl: 'http://p.test', fetch: down.fetch }).ready()).toEqual(
      body,
    )
    expect(down.requests).toHaveLength(1)
    const html = recorder(
      () =>
        new Response('<h1>down</h1>', {
          status: 503,
          statusText: 'Service Unavailable',
          headers: { 'content-type': 'text/html' },
        }),
    )
    await expect(
      createClient({ baseUrl: 'http://p.test', fetch: html.fetch }).ready(),
    ).rejects.toThrow('GET /ready → 503 service_unavailable: Service Unavailable')
  })

  it('gives up on a server that does not answer within the timeout', async () => {
    const fetch = (request: Request) =>
      new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      )
    const client = createClient({ baseUrl: 'http://p.test', fetch, timeout: 50, retry: 0 })
    await expect(client.health()).rejects.toMatchObject({ name: 'TimeoutError' })
  })

  it('posts a message as agentapi wants it, and an upload as multipart', async () => {
    const { requests, fetch } = recorder(() => ok({ ok: true, filePath: '/tmp/x' }))
    const client = createClient({ baseUrl: 'http://p.test', fetch })
    await client.sendMessage('s1', 'hi')
    await client.sendMessage('s1', '\x1b', 'raw')
    await client.upload('s1', new Blob(['abc']), 'a.txt')
    expect(await requests[0]?.json()).toEqual({ content: 'hi', type: 'user' })
    expect(await requests[1]?.json()).toEqual({ content: '\x1b', type: 'raw' })
    const form = await requests[2]?.formData()
    const file = form?.get('file') as File
    expect([file.name, await file.text()]).toEqual(['a.txt', 'abc'])
  })
})
