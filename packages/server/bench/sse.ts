// Many concurrent `/events` streams through a proxy: each is opened on its own connection and
// counts as open once agentapi's replay (its first event) came through.
import { type ClientRequest, request } from 'node:http'

/** Open SSE streams, each watching for a string in what arrives. */
export interface Streams {
  count: number
  /** Resolves with the ms until every stream has seen `text`; rejects after `timeoutMs`. */
  allSee(text: string, timeoutMs: number): Promise<number>
  close(): void
}

interface Stream {
  req: ClientRequest
  tail: string
}

const BATCH = 100

/** Opens `count` streams to `url`, `BATCH` at a time; rejects if any is not open in time. */
export async function openStreams(
  url: string,
  count: number,
  timeoutMs = 30_000,
): Promise<Streams> {
  const streams: Stream[] = []
  const deadline = Date.now() + timeoutMs
  try {
    for (let opened = 0; opened < count; opened += BATCH) {
      const size = Math.min(BATCH, count - opened)
      const batch = Array.from({ length: size }, () => openOne(url, deadline - Date.now()))
      streams.push(...(await Promise.all(batch)))
    }
  } catch (error) {
    for (const stream of streams) stream.req.destroy()
    throw error
  }
  return {
    count: streams.length,
    allSee: (text, ms) => allSee(streams, text, ms),
    close: () => {
      for (const stream of streams) stream.req.destroy()
    },
  }
}

function openOne(url: string, timeoutMs: number): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false })
    const stream: Stream = { req, tail: '' }
    const timer = setTimeout(() => fail(new Error('stream not open in time')), timeoutMs)
    const fail = (error: Error) => {
      clearTimeout(timer)
      req.destroy()
      reject(error)
    }
    req.once('error', fail)
    req.once('response', (res) => {
      if (res.statusCode !== 200) return fail(new Error(`stream answered ${res.statusCode}`))
      res.setEncoding('utf8')
      res.on('data', (text: string) => {
        // Only the tail is kept: enough to find a marker, bounded whatever the agent sends.
        stream.tail = (stream.tail + text).slice(-8192)
        if (stream.tail.includes('\n\n')) {
          clearTimeout(timer)
          resolve(stream)
        }
      })
    })
    req.end()
  })
}

async function allSee(streams: Stream[], text: string, timeoutMs: number): Promise<number> {
  const started = performance.now()
  const deadline = started + timeoutMs
  while (performance.now() < deadline) {
    if (streams.every((stream) => stream.tail.includes(text))) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const missing = streams.filter((stream) => !stream.tail.includes(text)).length
  throw new Error(`${missing} of ${streams.length} streams did not see ${text} in ${timeoutMs} ms`)
}
