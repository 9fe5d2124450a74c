import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { type ClientRequest, type IncomingMessage, request, type ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { ANONYMOUS_ADMIN } from '../auth/principal.ts'
import {
  closeAfterEach,
  FakeDirectory,
  FrameReader,
  listen,
  next,
  readAll,
  SESSION,
  send,
  startProxy,
} from './testbed.ts'

const closeLater = closeAfterEach()

/** An agent whose `/events` streams only what the test emits, when it emits it. */
async function eventAgent() {
  const subscribers = new Set<ServerResponse>()
  const joined = new EventEmitter()
  const agent = await listen((req, res) => {
    if (req.url !== '/events') return void res.writeHead(404).end()
    // The headers agentapi's `/events` answers with.
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-store, must-revalidate',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    })
    res.flushHeaders()
    subscribers.add(res)
    res.on('close', () => {
      subscribers.delete(res)
      joined.emit('left', res)
    })
    joined.emit('joined', subscribers.size)
  })
  closeLater(agent)
  const emit = (name: string, data: unknown) => {
    for (const res of subscribers) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  const until = async (count: number) => {
    while (subscribers.size < count) await next(joined, 'joined')
  }
  return { agent, subscribers, joined, emit, until }
}

async function proxyTo(url: string) {
  const directory = new FakeDirectory().set(SESSION, { url })
  const proxy = await startProxy({ directory })
  closeLater(proxy)
  return proxy
}

function open(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const req = request(url, options)
  const response = next<IncomingMessage>(req, 'response')
  return { req, response }
}

describe('forwarder: server-sent events', () => {
  it('delivers each event while the stream stays open, one by one', async () => {
    const { agent, emit, until } = await eventAgent()
    const proxy = await proxyTo(agent.url)
    const { req, response } = open(`${proxy.url}/${SESSION}/events`)
    req.end()
    const res = await response
    // The stream is open (headers arrived) before the agent has said anything.
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream')
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers['content-length']).toBeUndefined()
    const frames = new FrameReader(res)
    await until(1)
    for (let id = 0; id < 5; id++) {
      // The agent says the next thing only after the caller has heard the previous one.
      emit('message_update', { id, role: 'agent', message: `part ${id}` })
      expect(await frames.next()).toBe(
        `event: message_update\ndata: {"id":${id},"role":"agent","message":"part ${id}"}`,
      )
      expect(frames.pending).toBe(0)
    }
    req.destroy()
  })

  it('gives 10 concurrent subscribers of one session the same events', async () => {
    const { agent, emit, until } = await eventAgent()
    const proxy = await proxyTo(agent.url)
    const clients = Array.from({ length: 10 }, () => open(`${proxy.url}/${SESSION}/events`))
    for (const { req } of clients) req.end()
    const readers = (await Promise.all(clients.map((c) => c.response))).map(
      (res) => new FrameReader(res),
    )
    await until(10)
    for (let id = 0; id < 3; id++) emit('message_update', { id })
    for (const frames of readers) {
      const got = [await frames.next(), await frames.next(), await frames.next()]
      expect(got).toEqual([0, 1, 2].map((id) => `event: message_update\ndata: {"id":${id}}`))
    }
    for (const { req } of clients) req.destroy()
  })

  it('closes the agent stream when the caller goes away, and blames no one', async () => {
    const { agent, joined, until } = await eventAgent()
    const proxy = await proxyTo(agent.url)
    const { req, response } = open(`${proxy.url}/${SESSION}/events`)
    req.end()
    await response
    await until(1)
    const left = next(joined, 'left')
    req.destroy()
    await left
    expect(proxy.directory.gone).toEqual([])
    expect((await send(`${proxy.url}/${SESSION}/nothing`)).status).toBe(404)
  })

  it('ends the stream cleanly when the agent ends it', async () => {
    const { agent, subscribers, emit, until } = await eventAgent()
    const proxy = await proxyTo(agent.url)
    const { req, response } = open(`${proxy.url}/${SESSION}/events`)
    req.end()
    const res = await response
    await until(1)
    emit('status_change', { status: 'stable' })
    for (const subscriber of subscribers) subscriber.end()
    const { body } = await readAll(res)
    expect(body).toBe('event: status_change\ndata: {"status":"stable"}\n\n')
    expect(res.complete).toBe(true)
  })

  it('cuts the stream (no clean end) when the agent dies mid-stream, and survives', async () => {
    const { agent, subscribers, emit, until } = await eventAgent()
    const proxy = await proxyTo(agent.url)
    const { req, response } = open(`${proxy.url}/${SESSION}/events`)
    req.end()
    const res = await response
    const frames = new FrameReader(res)
    await until(1)
    emit('message_update', { id: 0 })
    await frames.next()
    const closed = next(res, 'close')
    for (const subscriber of subscribers) subscriber.socket?.destroy()
    await closed
    expect(res.complete).toBe(false)
    expect(frames.ended).toBe(false)
    expect(proxy.directory.gone).toHaveLength(1)
    expect((await send(`${proxy.url}/${SESSION}/nothing`)).status).toBe(404)
  })
})

/** An agent that hashes uploads and reports the first bytes as soon as they arrive. */
async function uploadAgent() {
  const progress = new EventEmitter()
  const agent = await listen((req, res) => {
    const hash = createHash('sha256')
    let bytes = 0
    req.on('data', (chunk: Buffer) => {
      if (bytes === 0) progress.emit('first-bytes', chunk.length)
      bytes += chunk.length
      hash.update(chunk)
    })
    req.on('close', () => progress.emit('closed', { complete: req.complete, bytes }))
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }))
    })
  })
  closeLater(agent)
  return { agent, progress }
}

const MiB = 1024 * 1024

function payload(size: number): Buffer {
  const data = Buffer.alloc(size)
  for (let i = 0; i < size; i += 4) data.writeUInt32LE(i, i)
  return data
}

function write(req: ClientRequest, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => req.write(chunk, (e) => (e ? reject(e) : resolve())))
}

describe('forwarder: request bodies', () => {
  it.each([
    ['Content-Length', { 'content-length': String(5 * MiB) }],
    ['chunked', {}],
  ])('streams a 5 MiB upload (%s) to the agent without buffering it', async (_, headers) => {
    const { agent, progress } = await uploadAgent()
    const proxy = await proxyTo(agent.url)
    const data = payload(5 * MiB)
    const { req, response } = open(`${proxy.url}/${SESSION}/upload`, { method: 'POST', headers })
    const firstBytes = next(progress, 'first-bytes')
    await write(req, data.subarray(0, MiB))
    // The agent is reading while 4 MiB have not even been sent yet.
    await firstBytes
    for (let offset = MiB; offset < data.length; offset += MiB) {
      await write(req, data.subarray(offset, offset + MiB))
    }
    req.end()
    const received = JSON.parse((await readAll(await response)).body)
    expect(received).toEqual({
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    })
  })

  it('aborts the upload to the agent when the caller breaks off, and survives', async () => {
    const { agent, progress } = await uploadAgent()
    const proxy = await proxyTo(agent.url)
    const { req } = open(`${proxy.url}/${SESSION}/upload`, {
      method: 'POST',
      headers: { 'content-length': String(5 * MiB) },
    })
    req.on('error', () => {})
    const firstBytes = next(progress, 'first-bytes')
    const closed = next<{ complete: boolean; bytes: number }>(progress, 'closed')
    await write(req, payload(MiB))
    await firstBytes
    req.destroy()
    const upstream = await closed
    expect(upstream.complete).toBe(false)
    expect(upstream.bytes).toBeLessThan(5 * MiB)
    expect(proxy.directory.gone).toEqual([])
    expect((await send(`${proxy.url}/${SESSION}/x`, { method: 'POST', body: 'ok' })).status).toBe(
      200,
    )
  })

  it('relays an early answer from an agent that does not read the upload', async () => {
    const agent = await listen((_req, res) => {
      res.writeHead(413, { 'content-type': 'text/plain' })
      res.end('too big')
    })
    closeLater(agent)
    const proxy = await proxyTo(agent.url)
    const { req, response } = open(`${proxy.url}/${SESSION}/upload`, {
      method: 'POST',
      headers: { 'content-length': String(5 * MiB) },
    })
    req.on('error', () => {})
    req.write(payload(MiB))
    const res = await response
    expect(res.statusCode).toBe(413)
    expect((await readAll(res)).body).toBe('too big')
    req.destroy()
    expect((await send(`${proxy.url}/${SESSION}/x`, { method: 'POST', body: 'ok' })).status).toBe(
      413,
    )
  })

  it('passes a 100-continue upload through (curl sends Expect for large bodies)', async () => {
    const { agent } = await uploadAgent()
    const proxy = await proxyTo(agent.url)
    const res = await send(`${proxy.url}/${SESSION}/upload`, {
      method: 'POST',
      headers: { expect: '100-continue', 'content-length': '5' },
      body: 'hello',
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).bytes).toBe(5)
  })

  it('never calls the agent for a caller who left while being authenticated', async () => {
    let calls = 0
    const agent = await listen((_req, res) => {
      calls++
      res.end()
    })
    closeLater(agent)
    const progress = new EventEmitter()
    let callerLeft: Promise<unknown> = Promise.resolve()
    const directory = new FakeDirectory().set(SESSION, { url: agent.url })
    const proxy = await startProxy({
      directory,
      authenticate: async () => {
        progress.emit('authenticating')
        await callerLeft
        return ANONYMOUS_ADMIN
      },
    })
    closeLater(proxy)
    callerLeft = new Promise((resolve) => {
      proxy.server.once('connection', (socket) => socket.once('close', resolve))
    })
    const { req } = open(`${proxy.url}/${SESSION}/status`)
    req.on('error', () => {})
    const authenticating = next(progress, 'authenticating')
    req.end()
    await authenticating
    req.destroy()
    await callerLeft
    await new Promise((resolve) => setImmediate(resolve))
    expect(directory.touched).toEqual([])
    expect(calls).toBe(0)
  })
})

describe('forwarder: response bodies', () => {
  it('streams a large response to a slow reader intact', async () => {
    const data = payload(20 * MiB)
    const agent = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.end(data)
    })
    closeLater(agent)
    const proxy = await proxyTo(agent.url)
    const { req, response } = open(`${proxy.url}/${SESSION}/download`)
    req.end()
    const res = await response
    res.pause()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const hash = createHash('sha256')
    for await (const chunk of res) hash.update(chunk as Buffer)
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'))
  })
})
