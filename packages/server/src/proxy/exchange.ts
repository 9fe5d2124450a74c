import type { Socket } from 'node:net'
import type { Dispatcher } from 'undici'
import { AppError } from '../errors.ts'
import { hasBody } from '../http/unread-body.ts'
import { FAILURE_DETAIL, failureOf } from './agent-failure.ts'
import type { Backend } from './backends.ts'
import { type Caller, type ExchangeContext, instanceOf, observe } from './caller.ts'
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts'
import { sendProblem } from './problem.ts'
import {
  FirstChunk,
  isJson,
  publicOrigin,
  relinkSchemas,
  schemaPrefix,
  withLengthDelta,
} from './schema-link.ts'

/** A JSON response's head, held until its first bytes say whether `$schema` is rewritten. */
interface HeldHead {
  status: number
  headers: string[]
  body: FirstChunk
}

type Controller = Dispatcher.DispatchController

// One shared reason: aborting on disconnect is routine and must not allocate a stack trace.
const CLIENT_GONE = Object.freeze(new Error('the caller disconnected'))
// undici's own code for it, so that the failure reads as slow, not gone.
const BODY_STALLED = Object.freeze(
  Object.assign(new Error('the response body stalled'), { code: 'UND_ERR_BODY_TIMEOUT' }),
)

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
  #agentHost = ''
  #held: HeldHead | null = null
  #controller: Controller | undefined
  #callerGone = false
  #started = 0
  /** Fires when a body that is not an event stream has been silent for `bodyStallMs`. */
  #stall: NodeJS.Timeout | undefined
  /** The caller is not reading: the silence is ours, not the agent's. */
  #paused = false
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
    this.#agentHost = backend.host
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
    const { requestId, req } = this.#caller
    const out = downstreamResponseHeaders(headers, ['x-request-id', requestId])
    this.#context.cors.appendResponseHeaders(req.headers.origin, out)
    const contentType = headers['content-type']
    this.#watchBody(controller, isEventStream(contentType))
    if (!this.#caller.keepSchemaLinks && isJson(contentType)) {
      this.#holdHead(statusCode, out)
      if (this.#held) return
    }
    this.#sendHead(controller, statusCode, out, isEventStream(contentType))
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const { res } = this.#caller
    this.#stall?.refresh()
    let data: Buffer | null = chunk
    if (this.#held) {
      data = this.#held.body.take(chunk)
      if (data === null || !this.#releaseHead(controller)) return
    }
    if (res.write(data)) return
    controller.pause()
    this.#paused = true
    res.once('drain', () => {
      this.#paused = false
      this.#stall?.refresh()
      controller.resume()
    })
  }

  onResponseEnd(controller: Controller): void {
    clearTimeout(this.#stall)
    const { res } = this.#caller
    const rest = this.#held?.body.rest()
    if (this.#held && !this.#releaseHead(controller)) return
    res.end(rest ?? undefined)
    this.#log('debug', res.statusCode)
  }

  // An agent that sends a head and then stalls its body would hold the caller, and a socket to
  // it, for as long as the caller waits. An event stream may rightly be silent for minutes.
  #watchBody(controller: Controller, stream: boolean): void {
    const ms = this.#context.pools.bodyStallMs
    if (stream || ms <= 0) return
    this.#stall = setTimeout(() => {
      if (this.#paused) this.#stall?.refresh()
      else controller.abort(BODY_STALLED)
    }, ms)
  }

  // Only the first bytes are looked at: agentapi writes `$schema` as the first key. Node would
  // not send the head before the first chunk anyway, so holding it costs no round trip, and it
  // lets Content-Length say the rewritten length instead of turning the body chunked.
  #holdHead(status: number, headers: string[]): void {
    const { req, sessionId } = this.#caller
    relinkSchemas(headers, sessionId)
    const tls = this.#socket !== undefined && 'encrypted' in this.#socket
    const origin = publicOrigin(req.headers, tls, this.#context.trustProxy === true)
    if (origin === null) return
    const prefix = schemaPrefix(origin, sessionId, this.#agentHost)
    this.#held = { status, headers, body: new FirstChunk(prefix) }
  }

  #releaseHead(controller: Controller): boolean {
    const { status, headers, body } = this.#held as HeldHead
    this.#held = null
    return this.#sendHead(controller, status, withLengthDelta(headers, body.delta), false)
  }

  #sendHead(controller: Controller, status: number, out: string[], stream: boolean): boolean {
    const { res } = this.#caller
    try {
      res.writeHead(status, out)
    } catch (error) {
      controller.abort(error as Error)
      return false
    }
    const { metrics } = this.#context
    metrics?.proxied(status, (performance.now() - this.#caller.arrived) / 1000)
    // Headers otherwise wait for the first body chunk: an SSE client should see the stream open
    // even while the agent has nothing to say.
    if (stream) {
      res.flushHeaders()
      if (metrics) res.once('close', metrics.streamOpened('proxy'))
    }
    return true
  }

  onResponseError(_controller: Controller, error: Error): void {
    clearTimeout(this.#stall)
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
    clearTimeout(this.#stall)
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

function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/event-stream')
}
