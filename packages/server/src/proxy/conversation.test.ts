import { type IncomingMessage, request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type EchoAgent, startEchoAgent } from '../echo-agent/index.ts'
import { FakeDirectory, FrameReader, next, SESSION, send, startProxy } from './testbed.ts'

/**
 * A whole agent conversation through the proxy, against the echo agent: an agentapi-compatible
 * server with agentapi's Host check, SSE framing and upload rules.
 */
describe('forwarder with the echo agent', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close()
  })

  async function setUp() {
    const agent: EchoAgent = await startEchoAgent({ port: 0, delayMs: 20, type: 'claude' })
    cleanup.push(() => agent.close())
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({ directory })
    cleanup.push(() => proxy.close())
    return { base: `${proxy.url}/${SESSION}`, directory }
  }

  async function events(url: string) {
    const req = request(url)
    const response = next<IncomingMessage>(req, 'response')
    req.end()
    cleanup.push(async () => void req.destroy())
    const frames = new FrameReader(await response)
    return async (until: string) => {
      const seen: string[] = []
      for (;;) {
        const frame = await frames.next()
        seen.push(frame)
        if (frame.includes(until)) return seen
      }
    }
  }

  it('sends a message, streams the reply as events and shows it in /messages', async () => {
    const { base, directory } = await setUp()
    const readUntil = await events(`${base}/events`)
    await readUntil('"status":"stable"')

    const sent = await send(`${base}/message`, {
      method: 'POST',
      // A public Host the agent would refuse: the proxy must present one it accepts.
      headers: { host: 'agents.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hi', type: 'user' }),
    })
    expect(sent.status).toBe(200)
    expect(JSON.parse(sent.body)).toMatchObject({ ok: true })

    const turn = await readUntil('"status":"stable"')
    expect(turn.some((frame) => frame.includes('"role":"user","message":"hi"'))).toBe(true)
    expect(turn.some((frame) => frame.includes('"message":"Echo: hi"'))).toBe(true)

    const messages = JSON.parse((await send(`${base}/messages`)).body).messages
    expect(messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['agent', expect.any(String)],
      ['user', 'hi'],
      ['agent', 'Echo: hi'],
    ])
    const status = JSON.parse((await send(`${base}/status`)).body)
    expect(status).toMatchObject({ status: 'stable', agent_type: 'claude' })
    expect(directory.touched.length).toBeGreaterThanOrEqual(4)
  })

  it('uploads a 5 MiB file through the proxy', async () => {
    const { base } = await setUp()
    const form = new FormData()
    form.append('file', new Blob([Buffer.alloc(5 * 1024 * 1024, 7)]), 'big.bin')
    const res = await fetch(`${base}/upload`, { method: 'POST', body: form })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ok: boolean; filePath: string }
    expect(body.ok).toBe(true)
    expect(body.filePath).toMatch(/big\.bin$/)
  })

  it('answers 502 and reports the agent gone once it has exited', async () => {
    const { base, directory } = await setUp()
    const close = cleanup.shift()
    await close?.()
    const res = await send(`${base}/status`)
    expect(res.status).toBe(502)
    expect(JSON.parse(res.body).code).toBe('agent_unavailable')
    expect(directory.gone).toHaveLength(1)
  })
})
