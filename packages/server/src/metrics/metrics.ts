import { SessionStatusSchema } from '@agentapi-proxy/shared'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { SessionFailureReason, SessionMetrics } from '../sessions/session-metrics.ts'
import { SESSION_FAILURE_REASONS } from '../sessions/session-metrics.ts'
import type { ObserveQuery } from '../store/timed-store.ts'
import { ProxiedRequests } from './proxied-requests.ts'

/** How a caller that failed authentication tried: a closed list, so it can be a label. */
export type AuthFailureMethod = 'api_key' | 'github_token' | 'oauth' | 'none'

/** Which kind of SSE stream is open: the proxy path's, or the API's own. */
export type StreamKind = 'proxy' | 'session_events' | 'share'

/** What the scrape reads from the running server, at scrape time. */
export interface MetricSources {
  /** The sessions this replica runs. */
  sessions(): Iterable<{ status: string; agentStatus: string | null }>
  /** Audit entries waiting for the store, and those given up on. */
  audit?(): { pending: number; lost: number }
}

/**
 * The server's metrics, in a registry of its own (never prom-client's global one), so several
 * servers in one process never share or collide. Every label has a closed set of values: no
 * session, user or key id is ever a label.
 *
 * @example
 * const metrics = new Metrics()
 * metrics.sources = { sessions: () => service.liveStates() }
 * const text = await metrics.render()
 */
export class Metrics implements SessionMetrics {
  readonly registry = new Registry()
  readonly #requests = new ProxiedRequests()
  readonly #starts: Counter<'kind'>
  readonly #failures: Counter<'reason'>
  readonly #ready: Histogram
  readonly #streams: Gauge<'kind'>
  readonly #authFailures: Counter<'method'>
  readonly #queries: Histogram<'store' | 'operation' | 'outcome'>
  sources: MetricSources = { sessions: () => [] }

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry]
    this.#sessionGauges()
    this.#starts = new Counter({
      name: 'agentapi_proxy_session_starts_total',
      help: 'Agent launches this replica began: new sessions, and restarted ones (resume)',
      labelNames: ['kind'],
      registers,
    })
    this.#failures = new Counter({
      name: 'agentapi_proxy_session_failures_total',
      help: 'Sessions that failed, and starts refused at a limit (limit_*), by reason',
      labelNames: ['reason'],
      registers,
    })
    this.#ready = new Histogram({
      name: 'agentapi_proxy_session_spawn_to_ready_seconds',
      help: "Seconds from an agent's spawn to its first answer on /status",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    })
    this.#streams = new Gauge({
      name: 'agentapi_proxy_sse_streams',
      help: 'Server-sent event streams open now, by kind',
      labelNames: ['kind'],
      registers,
    })
    this.#authFailures = new Counter({
      name: 'agentapi_proxy_auth_failures_total',
      help: 'Requests refused as unauthenticated, by the method the credential looked like',
      labelNames: ['method'],
      registers,
    })
    this.#queries = new Histogram({
      name: 'agentapi_proxy_store_query_duration_seconds',
      help: 'Seconds each SQL store operation took, by store, operation and outcome',
      labelNames: ['store', 'operation', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    })
    this.#auditGauges()
    this.registry.registerMetric(this.#requests.counter as never)
    this.registry.registerMetric(this.#requests.histogram as never)
    // Zeros from the start: a rate() over a series that appears late misses its first step.
    for (const kind of ['new', 'resume']) this.#starts.inc({ kind }, 0)
    for (const reason of SESSION_FAILURE_REASONS) this.#failures.inc({ reason }, 0)
    for (const kind of ['proxy', 'session_events', 'share']) this.#streams.set({ kind }, 0)
    for (const method of ['api_key', 'github_token', 'oauth', 'none']) {
      this.#authFailures.inc({ method }, 0)
    }
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'agentapi_proxy_' })
    }
  }

  /** The content type of {@link render}'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType
  }

  render(): Promise<string> {
    return this.registry.metrics()
  }

  started(kind: 'new' | 'resume'): void {
    this.#starts.inc({ kind })
  }

  failed(reason: SessionFailureReason): void {
    this.#failures.inc({ reason })
  }

  ready(seconds: number): void {
    this.#ready.observe(seconds)
  }

  /** One request on the proxy path was answered with `status` after `seconds`. */
  proxied(status: number, seconds: number): void {
    this.#requests.observe(status, seconds)
  }

  /** An SSE stream opened; call what this returns when it closes (once). */
  streamOpened(kind: StreamKind): () => void {
    this.#streams.inc({ kind })
    let open = true
    return () => {
      if (!open) return
      open = false
      this.#streams.dec({ kind })
    }
  }

  authFailed(method: AuthFailureMethod): void {
    this.#authFailures.inc({ method })
  }

  readonly observeQuery: ObserveQuery = (store, operation, seconds, ok) => {
    this.#queries.observe({ store, operation, outcome: ok ? 'ok' : 'error' }, seconds)
  }

  #sessionGauges(): void {
    const sources = () => this.sources
    const gauge = new Gauge({
      name: 'agentapi_proxy_sessions',
      help: 'Sessions this replica runs, by status and agent_status (sum over replicas for all)',
      labelNames: ['status', 'agent_status'],
      registers: [this.registry],
      collect() {
        gauge.reset()
        for (const status of ['starting', 'active', 'stopping']) {
          for (const agent of ['none', 'running', 'stable']) {
            gauge.set({ status, agent_status: agent }, 0)
          }
        }
        for (const live of sources().sessions()) {
          const status = SessionStatusSchema.safeParse(live.status).success ? live.status : 'other'
          gauge.inc({ status, agent_status: live.agentStatus ?? 'none' })
        }
      },
    })
  }

  #auditGauges(): void {
    const sources = () => this.sources
    const pending = new Gauge({
      name: 'agentapi_proxy_audit_pending_entries',
      help: 'Audit entries the store refused, kept in memory and retried',
      registers: [this.registry],
      collect() {
        pending.set(sources().audit?.().pending ?? 0)
      },
    })
    const lost = new Gauge({
      name: 'agentapi_proxy_audit_lost_entries',
      help: 'Audit entries given up on since start (each logged whole at error level)',
      registers: [this.registry],
      collect() {
        lost.set(sources().audit?.().lost ?? 0)
      },
    })
  }
}
