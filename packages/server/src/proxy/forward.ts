import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Principal } from '../auth/principal.ts'
import type { Logger } from '../logger.ts'
import type { SessionDirectory } from '../sessions/directory.ts'
import { type Authenticate, admit } from './admission.ts'
import { BackendPools, DEFAULT_TIMEOUTS, type ForwardTimeouts } from './backends.ts'
import type { Caller, ExchangeContext, ProxyMetrics } from './caller.ts'
import { CorsPolicy } from './cors.ts'
import { Exchange } from './exchange.ts'
import { requestIdOf } from './headers.ts'
import { answerPreflight, refuse } from './refusal.ts'
import { handleShared, type SharedLinks } from './shared-link.ts'
import type { StreamRegistry } from './stream-registry.ts'

/** What {@link createForwarder} is built from. */
export interface ForwarderOptions {
  directory: SessionDirectory
  /** Who is calling; throws an `AppError` (401) when the headers prove no one. */
  authenticate: Authenticate
  logger: Logger
  cors: { allowedOrigins: readonly string[] }
  timeouts?: Partial<ForwardTimeouts>
  /** The header API keys arrive in (`auth.static.header_name`); never forwarded. */
  apiKeyHeader?: string
  /** Where open exchanges are tracked, to be cut on revocation, expiry or session delete. */
  streams?: StreamRegistry
  /** Share links; `/s/<token>/…` answers 404 without them. */
  shares?: SharedLinks
  /** Counts answers by status class, their latency and open SSE streams, for `/metrics`. */
  metrics?: ProxyMetrics
  /** `server.trust_proxy`: the caller's scheme, for the `$schema` URLs, is X-Forwarded-Proto's. */
  trustProxy?: boolean
}

/** The reverse proxy for `/:sessionId/*`. */
export interface Forwarder {
  /**
   * Proxies one request to the session's agent. `rest` is the path after the session id, with
   * its query (`/events`, `/messages?after=3`; `/` for a bare `/<id>`). Never throws and never
   * rejects: every failure becomes a problem+json answer or a cut connection.
   */
  handle(req: IncomingMessage, res: ServerResponse, sessionId: string, rest: string): void
  /**
   * Proxies one read through a share link: `rest` as in {@link handle}, after the token. Only
   * GET of `/status`, `/messages` and `/events`; no credentials asked for or forwarded.
   */
  handleShared(req: IncomingMessage, res: ServerResponse, token: string, rest: string): void
  /** Closes every connection to the agents (server shutdown). */
  close(): Promise<void>
}

/**
 * Builds the forwarder: CORS preflights are answered here; everything else is authenticated,
 * checked against the session (yours, or admin; ready), counted as activity, and streamed to
 * the agent through a keep-alive pool per agent.
 *
 * @example
 * const forwarder = createForwarder({
 *   directory, authenticate, logger, cors: { allowedOrigins: ['https://app.example'] },
 * })
 * const server = createServer(createRequestListener({ forwarder, api }))
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const pools = new BackendPools({ ...DEFAULT_TIMEOUTS, ...options.timeouts })
  const context: ExchangeContext = {
    cors: new CorsPolicy(options.cors.allowedOrigins),
    // The caller's proof of identity is for the proxy alone: agentapi has no auth, and an agent
    // (running arbitrary code) must never see a token it could replay. Cookie goes whole: the
    // proxy's own cookies are the only ones a browser sends to this origin.
    credentialHeaders: new Set(['authorization', 'cookie', headerName(options.apiKeyHeader)]),
    directory: options.directory,
    pools,
    logger: options.logger,
    streams: options.streams,
    metrics: options.metrics,
    trustProxy: options.trustProxy,
  }
  const { authenticate } = options
  return {
    handle(req, res, sessionId, rest) {
      const caller = {
        req,
        res,
        sessionId,
        rest,
        requestId: requestIdOf(req.headers['x-request-id']),
        arrived: performance.now(),
      }
      if (context.cors.isPreflight(req.method, req.headers)) {
        answerPreflight(context, caller)
        return
      }
      let principal: Promise<Principal>
      try {
        principal = authenticate(req.headers)
      } catch (error) {
        principal = Promise.reject(error)
      }
      principal.then(
        (who) => forward(context, caller, who),
        (error: unknown) => refuse(context, caller, error),
      )
    },
    handleShared(req, res, token, rest) {
      handleShared(context, options.shares, { req, res, token, rest })
    },
    close: () => pools.close(),
  }
}

async function forward(context: ExchangeContext, caller: Caller, principal: Principal) {
  try {
    const agent = await admit(context.directory, principal, caller.sessionId)
    // The caller may have left while we authenticated: no agent request for nobody.
    if (caller.res.destroyed) return
    context.directory.touch(caller.sessionId)
    track(context, caller, principal)
    // Revoked between authentication and now: the registry has cut it already.
    if (caller.res.destroyed) return
    new Exchange(context, caller).start(agent.url, agent.secret)
  } catch (error) {
    refuse(context, caller, error)
  }
}

// Every exchange is tracked, not only SSE: any request may be long (a slow upload, a held
// response), and none may outlast the credential or the session it was let in with.
function track(context: ExchangeContext, caller: Caller, principal: Principal): void {
  if (!context.streams) return
  const { res, sessionId } = caller
  const release = context.streams.register({
    sessionId,
    credential: principal.credential,
    cut: () => res.destroy(),
  })
  res.once('close', release)
}

function headerName(configured: string | undefined): string {
  return (configured ?? 'X-API-Key').toLowerCase()
}
