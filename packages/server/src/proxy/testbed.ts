/**
 * The proxy's test bench (not shipped): the real forwarder and listener on port 0 in front of
 * real `node:http` backends, with an in-memory session directory.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import { ANONYMOUS_ADMIN, type Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import type { ProxyTarget, SessionDirectory } from '../sessions/directory.ts'
import { createForwarder, type ForwarderOptions } from './forward.ts'
import { createRequestListener, type RequestListener } from './listener.ts'

/**
 * Servers a test started, closed after each test whatever happened in it.
 *
 * @example
 * const closeLater = closeAfterEach()
 * const agent = closeLater(await listen(handler))
 */
export function closeAfterEach(): <T extends { close(): Promise<unknown> }>(server: T) => T {
  const running: { close(): Promise<unknown> }[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()))
  })
  return (server) => {
    running.push(server)
    return server
  }
}

export const SESSION = '0b3c5d7e-1f2a-4b6c-8d9e-0a1b2c3d4e5f'
export const OTHER_SESSION = '9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f'

/** A listening `node:http` server on 127.0.0.1 and port 0. */
export interface Listening {
  url: string
  port: number
  server: Server
  close(): Promise<void>
}

/** Starts `listener` on 127.0.0.1:0; `close()` also cuts open connections (SSE). */
export async function listen(listener: RequestListener): Promise<Listening> {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** The session service as the forwarder sees it, in memory, recording what it is told. */
export class FakeDirectory implements SessionDirectory {
  readonly targets = new Map<string, ProxyTarget>()
  readonly touched: string[] = []
  readonly gone: { sessionId: string; reason: string }[] = []

  set(sessionId: string, target: Partial<ProxyTarget> & { url: string | null }): this {
    this.targets.set(sessionId, { ownerId: 'alice', status: 'active', ...target })
    return this
  }

  async lookup(sessionId: string): Promise<ProxyTarget | undefined> {
    return this.targets.get(sessionId)
  }

  touch(sessionId: string): void {
    this.touched.push(sessionId)
  }

  reportAgentGone(sessionId: string, reason: string): void {
    this.gone.push({ sessionId, reason })
  }
}

/** Callers by bearer token; anything else is a 401, as the real `authenticate` answers. */
export const PRINCIPALS: Record<string, Principal> = {
  alice: { user_id: 'alice', role: 'user', permissions: ['session:access'], auth_type: 'api_key' },
  bob: { user_id: 'bob', role: 'user', permissions: ['session:access'], auth_type: 'api_key' },
  lister: { user_id: 'alice', role: 'user', permissions: ['session:list'], auth_type: 'api_key' },
  admin: { user_id: 'root', role: 'admin', permissions: ['*'], auth_type: 'api_key' },
}

export async function authenticateByToken(headers: IncomingHttpHeaders): Promise<Principal> {
  const token = headers.authorization?.replace(/^Bearer /, '') ?? headers['x-api-key']
  const principal = typeof token === 'string' ? PRINCIPALS[token] : undefined
  if (!principal) throw new AppError('unauthorized', 'Send a valid API key or bearer token')
  return principal
}

/** A proxy (forwarder + listener, and a stub API) on port 0. */
export async function startProxy(
  options: Partial<ForwarderOptions> & { api?: RequestListener } = {},
) {
  const logs = captureLogs()
  const directory = (options.directory as FakeDirectory | undefined) ?? new FakeDirectory()
  const forwarder = createForwarder({
    authenticate: async () => ANONYMOUS_ADMIN,
    logger: logs.logger,
    cors: { allowedOrigins: [] },
    ...options,
    directory,
  })
  const api: RequestListener =
    options.api ??
    ((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('api')
    })
  const server = await listen(createRequestListener({ forwarder, api }))
  return {
    ...server,
    directory,
    forwarder,
    logs,
    close: async () => {
      await server.close()
      await forwarder.close()
    },
  }
}

/** A response read to its end. */
export interface Received {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** One request with full control of its headers (fetch would set or refuse some). */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {},
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers })
    req.on('error', reject)
    req.on('response', (res) => resolve(readAll(res)))
    req.end(options.body)
  })
}

export async function readAll(res: IncomingMessage): Promise<Received> {
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    body: Buffer.concat(chunks).toString(),
  }
}

/** A backend handler that answers with what it received, as JSON. */
export function echoRequest(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks).toString(),
    })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(body)
  })
}

/** Resolves on the next `event` of `emitter`, with its first argument. */
export function next<T>(
  emitter: NodeJS.EventEmitter,
  event: string,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' in ${timeoutMs} ms`)), timeoutMs)
    emitter.once(event, (value: T) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}

/** Reads an SSE response frame by frame (`event: …\ndata: …`), as each one arrives. */
export class FrameReader {
  #buffer = ''
  #frames: string[] = []
  #waiting: ((frame: string) => void) | undefined
  #ended = false

  constructor(res: IncomingMessage) {
    res.setEncoding('utf8')
    res.on('data', (text: string) => this.#push(text))
    res.on('end', () => {
      this.#ended = true
    })
  }

  /** Frames received but not yet taken. */
  get pending(): number {
    return this.#frames.length
  }

  get ended(): boolean {
    return this.#ended
  }

  /** The next whole frame, once it has arrived. */
  next(timeoutMs = 5_000): Promise<string> {
    const frame = this.#frames.shift()
    if (frame !== undefined) return Promise.resolve(frame)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame in ${timeoutMs} ms`)), timeoutMs)
      this.#waiting = (value) => {
        clearTimeout(timer)
        resolve(value)
      }
    })
  }

  #push(text: string): void {
    this.#buffer += text
    let end = this.#buffer.indexOf('\n\n')
    while (end !== -1) {
      const frame = this.#buffer.slice(0, end)
      this.#buffer = this.#buffer.slice(end + 2)
      const waiting = this.#waiting
      this.#waiting = undefined
      if (waiting) waiting(frame)
      else this.#frames.push(frame)
      end = this.#buffer.indexOf('\n\n')
    }
  }
}
