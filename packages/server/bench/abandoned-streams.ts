// Abandoned SSE streams for `pnpm bench attack`: each client reads the response head and then
// never reads again. Node's client stops reading the socket once its small buffer is full, so
// what the server sends next piles up in the kernel's buffers and then pushes back on the
// server (TCP backpressure), as a browser tab that hung or a client that was suspended does.
import { type ClientRequest, request } from 'node:http'

/** Streams held open and unread. */
export interface Abandoned {
  count: number
  /** Streams whose connection has not closed (as far as an unread socket can tell). */
  open(): number
  close(): void
}

export interface AbandonedOptions {
  /** Full URLs, used in turn. */
  urls: readonly string[]
  count: number
  headers: Record<string, string>
  /** Loopback source addresses, used in turn (the server caps connections per address). */
  addresses: readonly string[]
  timeoutMs?: number
}

const BATCH = 100

/** Opens the streams, `BATCH` at a time; rejects if one does not answer 200 in time. */
export async function openAbandoned(options: AbandonedOptions): Promise<Abandoned> {
  const { urls, count, addresses } = options
  const requests: ClientRequest[] = []
  let closed = 0
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  try {
    for (let opened = 0; opened < count; opened += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - opened) }, (_, i) => {
        const n = opened + i
        const url = urls[n % urls.length] as string
        const localAddress = addresses[n % addresses.length] as string
        return openOne(url, options.headers, localAddress, deadline - Date.now())
      })
      for (const req of await Promise.all(batch)) {
        requests.push(req)
        req.once('close', () => closed++)
      }
    }
  } catch (error) {
    for (const req of requests) req.destroy()
    throw error
  }
  return {
    count: requests.length,
    open: () => requests.length - closed,
    close: () => {
      for (const req of requests) req.destroy()
    },
  }
}

function openOne(
  url: string,
  headers: Record<string, string>,
  localAddress: string,
  timeoutMs: number,
): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers, localAddress })
    const timer = setTimeout(() => fail(new Error(`${url}: not open in time`)), timeoutMs)
    const fail = (error: Error) => {
      clearTimeout(timer)
      req.destroy()
      reject(error)
    }
    req.once('error', fail)
    req.once('response', (res) => {
      if (res.statusCode !== 200) return fail(new Error(`${url} answered ${res.statusCode}`))
      clearTimeout(timer)
      // No reader from here on: the body is never consumed.
      res.pause()
      req.removeListener('error', fail)
      req.on('error', () => undefined)
      resolve(req)
    })
    req.end()
  })
}
