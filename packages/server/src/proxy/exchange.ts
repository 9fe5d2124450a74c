import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Dispatcher } from 'undici'
import { AppError } from '../errors.ts'
import { hasBody } from '../http/unread-body.ts'
import type { Logger } from '../logger.ts'
import type { SessionDirectory } from '../sessions/directory.ts'
import type { Backend, BackendPools } from './backends.ts'
import type { CorsPolicy } from './cors.ts'
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts'
import { sendProblem } from './problem.ts'
import type { StreamRegistry } from './stream-registry.ts'

/** What every exchange of one forwarder shares. */
export interface ExchangeContext {
  cors: CorsPolicy
  /** Lower-case names of the caller's credential headers, never sent to an agent. */
  credentialHeaders: ReadonlySet<string>
  directory: SessionDirectory
  pools: BackendPools
  logger: Logger
  streams?: StreamRegistry | undefined
  metrics?: ProxyMetrics | undefined
}

/** What the proxy path reports to `/metrics` (the server's `Metrics`). */
export interface ProxyMetrics {
  /** One request was answered with `status`, `seconds` after it arrived. */
  proxied(status: number, seconds: number): void
  /** An SSE stream opened; the returned function is called when it closes. */
  streamOpened(kind: 'proxy'): () => void
}

/** The caller of one exchange: its request, response and identity. */
export interface Caller {
  req: IncomingMessage
  res: ServerResponse
  sessionId: string
  /** The path after the session id, with its query: `/events`, `/messages?x=1`. */
  rest: string
  requestId: string
  /** What stands before `rest` in problem `instance`s; `/<sessionId>` unless set. */
  base?: string
  /** `performance.now()` when the request reached the forwarder. */
  arrived: number
}

type Controller = Dispatcher.DispatchController

// One shared reason: aborting on disconnect is routine and must not allocate a stack trace.
const CLIENT_GONE = Object.freeze(new Error('the caller disconnected'))

// Slow, not gone: the agent is alive but busy (agentapi answers one POST at a time), so no one is
// told it exited.
const TIMEOUTS: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** Why an agent request failed, which decides what the caller and the directory are told. */
type Failure = 'gone' | 'slow' | 'garbled'

function failureOf(code: string): Failure {
  if (TIMEOUTS.has(code)) return 'slow'
  // The agent answered, but not in HTTP the parser (HPE_*) or Node's writeHead (ERR_*) accepts.
  if (code === 'HTTPParserError' || code.startsWith('HPE_') || code.startsWith('ERR_')) {
    return 'garbled'
  }
  return 'gone'
}

const FAILURE_DETAIL: Record<Failure, string> = {
  gone: 'is not reachable; it may have exited. GET /sessions/<id> shows its state',
  slow: 'did not answer in time',
  garbled: 'answered with a response that is not valid HTTP',
}

/**
 * One proxied request/response pair, as undici's dispatch handler: the caller's body streams to
 * the agent as undici reads it, and each chunk of the agent's response is written to the caller
 * as it arrives — with backpressure both ways and nothing buffered, so SSE events reach the
 * caller one by one. A caller who goes away aborts the upstream request; an agent that fails is
 * a 502 before the response starts and a cut connection after.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  #context: ExchangeContext
  #caller: Caller
  #baseUrl = ''
  #controller: Controller | undefined
  #callerGone = false
  #started = 0
  // Kept from the start: undici detaches `req.socket` once it has sent the request body.
  #socket: Socket | undefined

  constructor(context: ExchangeContext, caller: Caller) {
    this.#context = context
    this.#caller = caller
  }

  /**
   * Sends the request to the agent at `baseUrl`, with the session's `secret`; the response is
   * written as it arrives.
   */
  start(baseUrl: string, secret: string | null = null): void {
    const { req, res, rest, requestId } = this.#caller
    const backend: Backend = this.#context.pools.get(baseUrl)
    this.#baseUrl = baseUrl
    this.#socket = req.socket
    this.#started = performance.now()
    res.once('close', () => this.#onCallerClose())
    const headers = upstreamRequestHeaders(req.headers, this.#context.credentialHeaders, {
      host: backend.host,
      requestId,
      remoteAddress: req.socket.remoteAddress,
      protocol: 'encrypted' in req.socket ? 'https' : 'http',
      agentSecret: secret,
    })
    const path = backend.basePath ? backend.basePath + rest : rest
    // Passing no stream for a request without a body spares undici from waiting on one.
    const body = hasBody(req) ? req : null
    backend.pool.dispatch({ path, method: req.method ?? 'GET', headers, body }, this)
  }

  onRequestStart(controller: Controller): void {
    if (this.#callerGone) controller.abort(CLIENT_GONE)
    else this.#controller = controller
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // Informational responses (103 Early Hints) are the agent's business; wait for the final one.
    if (statusCode < 200) return
    const { res, requestId, req } = this.#caller
    const out = downstreamResponseHeaders(headers, ['x-request-id', requestId])
    this.#context.cors.appendResponseHeaders(req.headers.origin, out)
    try {
      res.writeHead(statusCode, out)
    } catch (error) {
      controller.abort(error as Error)
      return
    }
    const { metrics } = this.#context
    metrics?.proxied(statusCode, (performance.now() - this.#caller.arrived) / 1000)
    // Headers otherwise wait for the first body chunk: an SSE client should see the stream open
    // even while the agent has nothing to say.
    if (isEventStream(headers['content-type'])) {
      res.flushHeaders()
      if (metrics) res.once('close', metrics.streamOpened('proxy'))
    }
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const { res } = this.#caller
    if (res.write(chunk)) return
    controller.pause()
    res.once('drain', () => controller.resume())
  }

  onResponseEnd(): void {
    const { res } = this.#caller
    res.end()
    this.#log('debug', res.statusCode)
  }

  onResponseError(_controller: Controller, error: Error): void {
    // undici does not catch what this throws, and an uncaught throw would end the process.
    try {
      this.#fail(error)
    } catch (bug) {
      this.#context.logger.error({ err: bug, req_id: this.#caller.requestId }, 'proxy error')
      this.#caller.res.destroy()
    }
  }

  #fail(error: Error): void {
    const { res, sessionId, requestId } = this.#caller
    // The caller left (or its upload broke off): nobody to answer, and the agent is fine.
    if (this.#callerGone || res.destroyed || this.#socket?.destroyed) return
    const code = (error as { code?: string }).code ?? error.name
    const failure = failureOf(code)
    if (failure === 'gone') this.#reportAgentGone(code, error)
    this.#log('warn', res.headersSent ? res.statusCode : 502, code)
    const detail = FAILURE_DETAIL[failure].replace('<id>', sessionId)
    const problem = new AppError(
      'agent_unavailable',
      `The agent of session ${sessionId} ${detail} (${code})`,
    )
    const counted = res.headersSent
    sendProblem(res, problem, {
      requestId,
      instance: this.#instance(),
      headers: this.#corsHeaders(),
    })
    if (!counted) observe(this.#context, this.#caller)
  }

  #onCallerClose(): void {
    if (this.#caller.res.writableFinished) return
    this.#callerGone = true
    this.#controller?.abort(CLIENT_GONE)
  }

  #reportAgentGone(code: string, error: Error): void {
    const { sessionId } = this.#caller
    if (code === 'ECONNREFUSED') this.#context.pools.drop(this.#baseUrl)
    try {
      this.#context.directory.reportAgentGone(sessionId, `${code}: ${error.message}`)
    } catch (reportError) {
      this.#context.logger.error({ err: reportError, session_id: sessionId }, 'reportAgentGone')
    }
  }

  #corsHeaders(): string[] {
    const out: string[] = []
    this.#context.cors.appendResponseHeaders(this.#caller.req.headers.origin, out)
    return out
  }

  #instance(): string {
    return instanceOf(this.#caller)
  }

  #log(level: 'debug' | 'warn', status: number, error?: string): void {
    const { logger } = this.#context
    if (!logger.isLevelEnabled(level)) return
    const { req, sessionId, requestId } = this.#caller
    const ms = Math.round((performance.now() - this.#started) * 10) / 10
    const line = { req_id: requestId, session_id: sessionId, method: req.method, status, ms }
    if (error) logger.warn({ ...line, path: this.#instance(), error }, 'agent request failed')
    else logger.debug({ ...line, path: this.#instance() }, 'proxied')
  }
}

/**
 * The path a problem about this exchange names, without the query.
 *
 * @example
 * instanceOf({ sessionId: 'abc', rest: '/events?x=1', … }) // '/abc/events'
 */
export function instanceOf(caller: Pick<Caller, 'sessionId' | 'rest' | 'base'>): string {
  const { rest } = caller
  const query = rest.indexOf('?')
  return `${caller.base ?? `/${caller.sessionId}`}${query === -1 ? rest : rest.slice(0, query)}`
}

/** Reports what the caller was answered (`res.statusCode`) to the metrics, if any. */
export function observe(context: ExchangeContext, caller: Caller): void {
  context.metrics?.proxied(caller.res.statusCode, (performance.now() - caller.arrived) / 1000)
}

function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/event-stream')
}
