import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../logger.ts'
import type { SessionDirectory } from '../sessions/directory.ts'
import type { BackendPools } from './backends.ts'
import type { CorsPolicy } from './cors.ts'
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
  /** `server.trust_proxy`: X-Forwarded-Proto says which scheme the caller used. */
  trustProxy?: boolean | undefined
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
  /** agentapi's `$schema` and `Link` are passed on as it wrote them (share links). */
  keepSchemaLinks?: boolean
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
