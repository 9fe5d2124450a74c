import { type IncomingMessage, request, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type EchoAgent, startEchoAgent } from '../echo-agent/index.ts'
import { untilStable } from '../echo-agent/test-agents.ts'
import { FirstChunk, publicOrigin } from './schema-link.ts'
import { FakeDirectory, listen, next, SESSION, send, startProxy } from './testbed.ts'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function proxyTo(url: string, options: { trustProxy?: boolean } = {}) {
  const directory = new FakeDirectory().set(SESSION, { url })
  const proxy = await startProxy({ directory, ...options })
  cleanup.push(() => proxy.close())
  return proxy
}

async function echoAgent(): Promise<EchoAgent> {
  const agent = await startEchoAgent({ port: 0, delayMs: 5, type: 'claude' })
  cleanup.push(() => agent.close())
  return agent
}

async function backend(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = await listen(handler)
  cleanup.push(() => server.close())
  return server
}

/** The bytes of an SSE stream up to the end of the first frame that contains `marker`. */
async function streamUntil(url: string, marker: string): Promise<string> {
  const req = request(url)
  const response = next<IncomingMessage>(req, 'response')
  req.end()
  cleanup.push(async () => void req.destroy())
  const res = await response
  let text = ''
  for await (const chunk of res) {
    text += (chunk as Buffer).toString('latin1')
    const at = text.indexOf(marker)
    const end = at === -1 ? -1 : text.indexOf('\n\n', at)
    if (end !== -1) return text.slice(0, end + 2)
  }
  throw new Error(`the stream ended before ${marker}`)
}

describe('FirstChunk', () => {
  const prefix = {
    from: Buffer.from('{"$schema":"http://127.0.0.1:9/'),
    to: Buffer.from('{"$schema":"http://proxy:8080/abc/'),
  }

  it('rewrites the prefix and says by how much the body grew', () => {
    const first = new FirstChunk(prefix)
    const out = first.take(Buffer.from('{"$schema":"http://127.0.0.1:9/schemas/X.json","a":1}'))
    expect(out?.toString()).toBe('{"$schema":"http://proxy:8080/abc/schemas/X.json","a":1}')
    expect(first.delta).toBe(prefix.to.length - prefix.from.length)
  })

  it('holds a first chunk shorter than the prefix until the next one tells', () => {
    const first = new FirstChunk(prefix)
    expect(first.take(Buffer.from('{"$sche'))).toBeNull()
    const out = first.take(Buffer.from('ma":"http://127.0.0.1:9/schemas/X.json"}'))
    expect(out?.toString()).toBe('{"$schema":"http://proxy:8080/abc/schemas/X.json"}')
  })

  it('passes any other body on as it is, and gives back a short one at its end', () => {
    const other = new FirstChunk(prefix)
    const body = Buffer.from('{"$schema":"https://elsewhere/schemas/X.json"}')
    expect(other.take(body)).toBe(body)
    expect(other.delta).toBe(0)
    const tiny = Buffer.from('{"title":"x"}')
    expect(new FirstChunk(prefix).take(tiny)).toBe(tiny)
    const short = new FirstChunk(prefix)
    expect(short.take(Buffer.from('{"$'))).toBeNull()
    expect(short.rest()?.toString()).toBe('{"$')
  })
})

describe('publicOrigin', () => {
  it('is https over TLS, or when a trusted proxy says so in X-Forwarded-Proto (its last entry)', () => {
    const https = { host: 'a.example', 'x-forwarded-proto': 'http, https' }
    expect(publicOrigin(https, false, true)).toBe('https://a.example')
    expect(publicOrigin(https, false, false)).toBe('http://a.example')
    expect(publicOrigin({ host: 'a.example', 'x-forwarded-proto': 'http' }, false, true)).toBe(
      'http://a.example',
    )
    expect(publicOrigin({ host: 'a.example' }, true, false)).toBe('https://a.example')
    expect(publicOrigin({}, false, true)).toBeNull()
  })
})

describe('$schema through the forwarder, against the echo agent', () => {
  it('names the public origin and the session path, https behind a trusted TLS proxy', async () => {
    const agent = await echoAgent()
    const trusting = await proxyTo(agent.url, { trustProxy: true })
    const headers = { host: 'agents.example.com', 'x-forwarded-proto': 'https' }
    const viaTls = await send(`${trusting.url}/${SESSION}/status`, { headers })
    expect(JSON.parse(viaTls.body).$schema).toBe(
      `https://agents.example.com/${SESSION}/schemas/StatusResponseBody.json`,
    )
    expect(Number(viaTls.headers['content-length'])).toBe(Buffer.byteLength(viaTls.body))
    const plain = await proxyTo(agent.url)
    const viaPlain = await send(`${plain.url}/${SESSION}/status`, { headers })
    expect(JSON.parse(viaPlain.body).$schema).toBe(
      `http://agents.example.com/${SESSION}/schemas/StatusResponseBody.json`,
    )
  })

  it('passes /events on byte for byte', async () => {
    const agent = await echoAgent()
    await untilStable(agent)
    const proxy = await proxyTo(agent.url)
    const marker = '"status":"stable"'
    const direct = await streamUntil(`${agent.url}/events`, marker)
    const proxied = await streamUntil(`${proxy.url}/${SESSION}/events`, marker)
    expect(direct).toContain('event: message_update')
    expect(proxied).toBe(direct)
  })
})

describe('$schema through the forwarder, against other bodies', () => {
  const agentBody = (port: number) => `{"$schema":"http://127.0.0.1:${port}/schemas/X.json","n":1}`

  it('rewrites a body whose first bytes arrive one at a time', async () => {
    const agent = await backend(async (_req, res) => {
      const body = Buffer.from(agentBody(agent.port))
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
      for (const byte of body) {
        res.write(Buffer.from([byte]))
        await new Promise((resolve) => setImmediate(resolve))
      }
      res.end()
    })
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/x`)
    expect(res.body).toBe(
      `{"$schema":"http://127.0.0.1:${proxy.port}/${SESSION}/schemas/X.json","n":1}`,
    )
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body))
  })

  it('leaves a body that is not JSON, or does not start with the agent’s $schema, as it is', async () => {
    const agent = await backend((req, res) => {
      const json = req.url === '/json'
      const body = json ? '{"a":{"$schema":"http://127.0.0.1:1/"}}' : agentBody(agent.port)
      res.writeHead(200, {
        'content-type': json ? 'application/json' : 'text/plain',
        link: '</schemas/X.json>; rel="describedBy"',
      })
      res.end(body)
    })
    const proxy = await proxyTo(agent.url)
    const text = await send(`${proxy.url}/${SESSION}/text`)
    expect(text.body).toBe(agentBody(agent.port))
    expect(text.headers.link).toBe('</schemas/X.json>; rel="describedBy"')
    const json = await send(`${proxy.url}/${SESSION}/json`)
    expect(json.body).toBe('{"a":{"$schema":"http://127.0.0.1:1/"}}')
    expect(json.headers.link).toBe(`</${SESSION}/schemas/X.json>; rel="describedBy"`)
  })
})
