import { type IncomingMessage, request } from 'node:http'
import { expect } from 'vitest'
import { eventually } from '../testing/index.ts'

/** One JSON call to a test server, with an API key when `key` is set. */
export async function call(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const headers: Record<string, string> = key ? { 'x-api-key': key } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  // JSON.parse's any, as fetch's res.json() gives: tests read what they assert on.
  const parsed = text ? JSON.parse(text) : {}
  return { status: res.status, type: res.headers.get('content-type'), body: parsed }
}

/** Starts a session with `key` and waits until its agent answers as stable. */
export async function activeSession(base: string, key: string): Promise<string> {
  const started = await call(base, key, 'POST', '/start', {})
  expect(started.status).toBe(201)
  const id = started.body.session_id as string
  await eventually(async () => {
    const { body } = await call(base, key, 'GET', `/${id}/status`)
    return body.status === 'stable' ? true : undefined
  })
  return id
}

/** An open event stream that has delivered its first chunk: what it received, and when it ended. */
export interface OpenStream {
  text(): string
  ended: Promise<number>
  destroy(): void
}

/** Opens `path` as an SSE stream with no credentials and waits for its first chunk. */
export async function openStream(url: string): Promise<OpenStream> {
  const req = request(url)
  req.end()
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve)
    req.once('error', reject)
  })
  expect(res.statusCode).toBe(200)
  let text = ''
  res.setEncoding('utf8')
  const ended = new Promise<number>((resolve) => {
    const done = () => resolve(performance.now())
    res.once('close', done)
    res.once('error', done)
    req.once('error', done)
  })
  const first = new Promise((resolve) => res.once('data', resolve))
  res.on('data', (chunk: string) => {
    text += chunk
  })
  await first
  return { text: () => text, ended, destroy: () => req.destroy() }
}

/** Fails unless the stream ends within `ms` of `since` (performance.now()). */
export async function expectCutWithin(stream: OpenStream, since: number, ms = 1_000) {
  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 3_000 + ms))
  const at = await Promise.race([stream.ended, timeout])
  expect(at - since).toBeLessThan(ms)
}
