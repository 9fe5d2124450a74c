import { randomUUID } from 'node:crypto'
import type {
  DeleteSessionResponse,
  SearchQuery,
  SearchResponse,
  Session,
  SessionLogs,
  StartSessionRequest,
} from '@agentapi-proxy/shared'
import { tagFilters } from '@agentapi-proxy/shared'
import { canAccess, isAdmin, type Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { AgentChoice } from '../provisioners/agent-command.ts'
import type { Provisioner } from '../provisioners/provisioner.ts'
import type { ProxyTarget, SessionDirectory } from '../proxy/directory.ts'
import type { SessionRecord } from '../store/session-record.ts'
import type { SessionStore } from '../store/session-store.ts'
import { EnvironmentPolicy } from './env-policy.ts'
import { checkLimits, type SessionLimits } from './limits.ts'
import { newSessionRecord } from './new-record.ts'
import { RepositoryPolicy } from './repository-policy.ts'
import { SessionRuntime } from './runtime.ts'
import { toSession, toSummary } from './views.ts'

/** What {@link SessionService.restore} found and did. */
export interface RestoreReport {
  adopted: number
  restarted: number
  reaped: number
  pruned: number
}

/** Everything the service is built from; `server.ts` wires the concrete ones. */
export interface SessionServiceOptions {
  store: SessionStore
  provisioner: Provisioner
  agent: AgentChoice
  defaultAgentType: string
  limits: SessionLimits
  proxyEnv: Record<string, string | undefined>
  inheritEnv: readonly string[]
  /** The role's env file contents, when role env files are on. */
  roleEnv?: (role: string) => Record<string, string> | undefined
  /** Which names a request's environment may use; the defaults when unset. */
  environmentPolicy?: EnvironmentPolicy
  /** Which repositories may be cloned; GitHub over https/ssh, nothing local, when unset. */
  repositoryPolicy?: RepositoryPolicy
  /** argv that restarts an agent in its workdir (e.g. `claude -c`); the start command if unset. */
  resumeCommand?: readonly string[]
  /** Keep sessions as `suspended` on shutdown, to be restored by the next start (persistence on). */
  suspendOnShutdown?: boolean
  /** How long stopped and failed sessions stay searchable; 0 keeps them forever. */
  retentionMs?: number
  /** Told when a session is deleted, before its agent stops, so its open streams end now. */
  onDelete?: (sessionId: string) => void
  logger: Logger
}

const PRUNE_EVERY_MS = 3_600_000

/**
 * Owns the session lifecycle: `starting → active → stopping → stopped`, or `failed`. It applies
 * the limits and ownership rules, drives a provisioner and a store, and answers the forwarder's
 * lookups from memory. It knows nothing of HTTP (errors are AppErrors) or of PIDs.
 */
export class SessionService implements SessionDirectory {
  readonly #options: SessionServiceOptions
  readonly #runtime: SessionRuntime
  readonly #idleTimer: NodeJS.Timeout | null
  readonly #pruneTimer: NodeJS.Timeout | null
  #lastStart = 0

  constructor(options: SessionServiceOptions) {
    this.#options = {
      ...options,
      environmentPolicy: options.environmentPolicy ?? new EnvironmentPolicy(),
      repositoryPolicy:
        options.repositoryPolicy ?? new RepositoryPolicy({ githubUrl: 'https://github.com' }),
    }
    this.#runtime = new SessionRuntime(this.#options)
    const idle = options.limits.idleTimeoutMs
    this.#idleTimer =
      idle > 0 ? setInterval(() => this.#runtime.cullIdle(), Math.min(idle / 4, 30_000)) : null
    this.#idleTimer?.unref()
    this.#pruneTimer = options.retentionMs
      ? setInterval(() => void this.prune(), PRUNE_EVERY_MS)
      : null
    this.#pruneTimer?.unref()
  }

  /** Validates, applies the limits, records the session and starts its agent in the background. */
  async start(principal: Principal, request: StartSessionRequest): Promise<Session> {
    const userId = request.user_id ?? principal.user_id
    if (userId !== principal.user_id && !isAdmin(principal)) {
      throw new AppError('forbidden', 'Only an admin may start a session for another user')
    }
    this.#options.environmentPolicy?.assertAllowed(request.environment ?? {})
    if (request.repository) this.#options.repositoryPolicy?.cloneUrl(request.repository)
    checkLimits(this.#runtime.all(), userId, this.#options.limits)
    // Start times are unique and increasing, so "newest first" is the order sessions were made.
    this.#lastStart = Math.max(Date.now(), this.#lastStart + 1)
    const record = newSessionRecord({
      sessionId: randomUUID(),
      userId,
      // An admin starting a session for someone else does not know their role: none is applied.
      ownerRole: userId === principal.user_id ? principal.role : null,
      request,
      agent: this.#options.agent,
      defaultAgentType: this.#options.defaultAgentType,
      startedAt: new Date(this.#lastStart),
      owner: null,
      leaseUntil: null,
    })
    const live = this.#runtime.track(record)
    try {
      await this.#options.store.insert(record)
    } catch (error) {
      this.#runtime.untrack(record.session_id)
      throw error
    }
    live.launching = this.#runtime.launch(live, record)
    return toSession(record, live)
  }

  /** Newest first; non-admins only ever see their own sessions. */
  async search(principal: Principal, query: SearchQuery): Promise<SearchResponse> {
    const userId = isAdmin(principal) ? query.user_id : principal.user_id
    if (!isAdmin(principal) && query.user_id && query.user_id !== principal.user_id) {
      return { sessions: [], next_cursor: null }
    }
    const page = await this.#options.store.search({
      ...(userId ? { user_id: userId } : {}),
      ...(query.status ? { status: query.status } : {}),
      tags: tagFilters(query),
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    })
    return {
      sessions: page.records.map((r) => toSummary(r, this.#runtime.get(r.session_id))),
      next_cursor: page.next_cursor,
    }
  }

  async get(principal: Principal, sessionId: string): Promise<Session> {
    const record = await this.#visible(principal, sessionId)
    return toSession(record, this.#runtime.get(sessionId))
  }

  async logs(principal: Principal, sessionId: string, tail: number): Promise<SessionLogs> {
    const record = await this.#visible(principal, sessionId)
    const { lines, truncated } = record.handle
      ? await this.#options.provisioner.logs({ sessionId, handle: record.handle }, tail)
      : { lines: [], truncated: false }
    return { session_id: sessionId, lines, truncated }
  }

  /** Stops the agent (SIGTERM, then SIGKILL after the grace period) and removes its workdir. */
  async delete(principal: Principal, sessionId: string): Promise<DeleteSessionResponse> {
    await this.#visible(principal, sessionId)
    // The agent may take the whole stop grace to exit; its streams end with the DELETE.
    this.#options.onDelete?.(sessionId)
    await this.#runtime.stop(sessionId, 'stopped', null)
    this.#runtime.forget(sessionId)
    await this.#options.provisioner.remove(sessionId)
    return { session_id: sessionId, status: 'terminated' }
  }

  lookup(sessionId: string): ProxyTarget | undefined {
    return this.#runtime.lookup(sessionId)
  }

  touch(sessionId: string): void {
    this.#runtime.touch(sessionId)
  }

  reportAgentGone(sessionId: string, reason: string): void {
    this.#runtime.reportAgentGone(sessionId, reason)
  }

  /**
   * Graceful shutdown: stops every agent. With persistence the sessions stay `suspended`, for
   * the next start to restore; without it they end `stopped`.
   */
  async shutdown(): Promise<void> {
    if (this.#idleTimer) clearInterval(this.#idleTimer)
    if (this.#pruneTimer) clearInterval(this.#pruneTimer)
    const [status, reason] = this.#options.suspendOnShutdown
      ? (['suspended', null] as const)
      : (['stopped', 'The proxy shut down'] as const)
    await Promise.all(
      this.#runtime.all().map((live) => this.#runtime.stop(live.sessionId, status, reason)),
    )
    await this.#options.provisioner.stopAll(this.#options.limits.stopGraceMs)
  }

  /**
   * Brings back what the last run left: adopts agents that still run in their workdir and
   * answer (a crash of the proxy), restarts the others in their workdir (suspended by a
   * graceful stop, or dead), finishes stops a crash interrupted, and stops every process of
   * ours that has no session. Restarts go on in the background, like any start.
   */
  async restore(): Promise<RestoreReport> {
    const { store, provisioner, limits } = this.#options
    const records = await store.listWithStatus(['starting', 'active', 'stopping', 'suspended'])
    const restarts: SessionRecord[] = []
    let adopted = 0
    for (const record of records) {
      if (record.status === 'stopping') {
        const error = 'The proxy stopped while this session was being stopped'
        await this.#runtime.save(record.session_id, {
          status: 'stopped',
          error,
          stopped_at: new Date().toISOString(),
        })
      } else if (record.status !== 'suspended' && (await this.#runtime.adopt(record))) adopted++
      else restarts.push(record)
    }
    const keep = new Set(this.#runtime.all().map((live) => live.sessionId))
    const reaped = await provisioner.reapOrphans(keep, limits.stopGraceMs)
    for (const record of restarts) {
      const live = this.#runtime.track(record)
      await this.#runtime.save(record.session_id, { status: 'starting', agent_status: null })
      live.launching = this.#runtime.launch(live, record, true)
    }
    const pruned = await this.prune()
    for (const failed of await store.listWithStatus(['failed']))
      this.#runtime.rememberFailed(failed)
    return { adopted, restarted: restarts.length, reaped, pruned }
  }

  /** Deletes stopped and failed sessions older than the retention; returns how many. */
  async prune(): Promise<number> {
    const retention = this.#options.retentionMs ?? 0
    if (retention <= 0) return 0
    return this.#options.store.prune(new Date(Date.now() - retention).toISOString())
  }

  async #visible(principal: Principal, sessionId: string): Promise<SessionRecord> {
    const record = await this.#options.store.get(sessionId)
    // Another user's session answers exactly like a missing one: ids are not enumerable.
    if (!record || !canAccess(principal, record.user_id)) {
      throw new AppError('session_not_found', `No session ${sessionId} is visible to you`)
    }
    return record
  }
}
