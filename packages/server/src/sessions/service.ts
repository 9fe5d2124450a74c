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
import type { AgentExit, Provisioner } from '../provisioners/provisioner.ts'
import type { SessionChange } from '../store/change-feed.ts'
import { isClaimable, type SessionRecord } from '../store/session-record.ts'
import type { SessionStore } from '../store/session-store.ts'
import type { ProxyTarget, SessionDirectory } from './directory.ts'
import { EnvironmentPolicy } from './env-policy.ts'
import { limitReached, type SessionLimits } from './limits.ts'
import type { LiveSession } from './live-session.ts'
import {
  assertMcpEnvironmentAllowed,
  type McpServerDefaults,
  sessionMcpServers,
} from './mcp-servers.ts'
import { newSessionRecord } from './new-record.ts'
import { RepositoryPolicy } from './repository-policy.ts'
import { RouteCache } from './route-cache.ts'
import { SessionRuntime } from './runtime.ts'
import type { SessionMetrics } from './session-metrics.ts'
import { toSession, toSummary } from './views.ts'

/** What {@link SessionService.restore} found and did. */
export interface RestoreReport {
  adopted: number
  restarted: number
  reaped: number
  pruned: number
}

/** Which replica this is, and how it shares sessions with the others (config `replica`). */
export interface ReplicaSettings {
  /** This replica's name in session rows (`owner`). */
  id: string
  /** How long a claim holds without renewal; renewed every third of it. */
  leaseMs: number
  /**
   * The store is this process's alone (SQLite, or memory): no other replica can hold a session,
   * so a restart takes back every session at once instead of waiting out the leases.
   */
  exclusive: boolean
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
  /** The MCP servers sessions get without asking (config `session.mcp_servers`, per role). */
  mcpServers?: McpServerDefaults
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
  /** One replica on its own store when unset. */
  replica?: ReplicaSettings
  /** Starts, failures and start-up times, for `/metrics`. */
  metrics?: SessionMetrics
  logger: Logger
}

const PRUNE_EVERY_MS = 3_600_000
// Activity seen here on another replica's session reaches the store at most this often.
const REMOTE_ACTIVITY_EVERY_MS = 5_000
// How often a DELETE of another replica's session looks whether it has stopped it.
const REMOTE_STOP_POLL_MS = 100
// A claim with this "now" ignores every lease: what an exclusive store's restart uses.
const END_OF_TIME = '9999-12-31T23:59:59.999Z'
const SINGLE_REPLICA: ReplicaSettings = { id: 'local', leaseMs: 15_000, exclusive: true }

/**
 * Owns the session lifecycle: `starting → active → stopping → stopped`, or `failed`. It applies
 * the limits and ownership rules, drives a provisioner and a store, and answers the forwarder's
 * lookups from memory. It knows nothing of HTTP (errors are AppErrors) or of PIDs.
 *
 * Several replicas share one store: each runs the sessions it holds the lease of (the runtime),
 * routes to any other through the store (the route cache), renews its leases, and takes over
 * the sessions of a replica whose leases ran out.
 */
export class SessionService implements SessionDirectory {
  readonly #options: SessionServiceOptions
  readonly #replica: ReplicaSettings
  readonly #runtime: SessionRuntime
  readonly #routes: RouteCache
  readonly #timers: NodeJS.Timeout[] = []
  readonly #remoteActivity = new Map<string, number>()
  readonly #unsubscribe: () => void
  #takingOver: Promise<void> | null = null
  // Started here, not yet in the store: no lease to renew yet.
  readonly #admitting = new Set<string>()
  #renewedAt = Date.now()
  #closing = false
  #lastStart = 0

  constructor(options: SessionServiceOptions) {
    this.#options = {
      ...options,
      environmentPolicy: options.environmentPolicy ?? new EnvironmentPolicy(),
      repositoryPolicy:
        options.repositoryPolicy ?? new RepositoryPolicy({ githubUrl: 'https://github.com' }),
    }
    this.#replica = options.replica ?? SINGLE_REPLICA
    this.#routes = new RouteCache(options.store, options.store.changes)
    this.#runtime = new SessionRuntime({
      ...this.#options,
      onReleased: (sessionId) => this.#routes.forget(sessionId),
    })
    this.#unsubscribe = options.store.changes.subscribe((change) => void this.#onChange(change))
    const idle = options.limits.idleTimeoutMs
    if (idle > 0) this.#every(Math.min(idle / 4, 30_000), () => this.#runtime.cullIdle())
    if (options.retentionMs) this.#every(PRUNE_EVERY_MS, () => this.prune())
    const { leaseMs, exclusive } = this.#replica
    this.#every(leaseMs / 3, () => this.#renewLeases())
    if (!exclusive) this.#every(leaseMs / 3, () => this.takeOver())
  }

  /** Which replica this is (the banner says it). */
  get replica(): Readonly<ReplicaSettings> {
    return this.#replica
  }

  #every(ms: number, work: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'background session work failed'),
      )
    }, ms)
    timer.unref()
    this.#timers.push(timer)
  }

  #leaseUntil(): string {
    return new Date(Date.now() + this.#replica.leaseMs).toISOString()
  }

  /**
   * Renews this replica's leases. A session it runs whose lease it no longer holds was taken over
   * (this process was frozen, or cut off, past its lease): it lets go of it. Cut off from the
   * store past the lease, it lets go of all of them, as the others will take them over.
   */
  async #renewLeases(): Promise<void> {
    const held = this.#runtime.all().filter((live) => !this.#admitting.has(live.sessionId))
    const { exclusive, id, leaseMs } = this.#replica
    try {
      const renewed = new Set(
        held.length > 0 ? await this.#options.store.renewLeases(id, this.#leaseUntil()) : [],
      )
      this.#renewedAt = Date.now()
      for (const live of held) {
        if (renewed.has(live.sessionId) || live.stopping || exclusive) continue
        if (this.#runtime.get(live.sessionId) !== live) continue
        this.#runtime.relinquish(live.sessionId, 'another replica holds its lease now')
      }
    } catch (error) {
      if (!exclusive && Date.now() - this.#renewedAt > leaseMs) {
        for (const live of held) {
          this.#runtime.relinquish(live.sessionId, 'the store did not answer for the whole lease')
        }
      }
      throw error
    }
  }

  /** Validates, applies the limits, records the session and starts its agent in the background. */
  async start(principal: Principal, request: StartSessionRequest): Promise<Session> {
    const userId = request.user_id ?? principal.user_id
    if (userId !== principal.user_id && !isAdmin(principal)) {
      throw new AppError('forbidden', 'Only an admin may start a session for another user')
    }
    this.#options.environmentPolicy?.assertAllowed(request.environment ?? {})
    if (request.repository) this.#options.repositoryPolicy?.cloneUrl(request.repository)
    if (request.mcp_servers) assertMcpEnvironmentAllowed(request.mcp_servers)
    // An admin starting a session for someone else does not know their role: none is applied.
    const ownerRole = userId === principal.user_id ? principal.role : null
    // Start times are unique and increasing, so "newest first" is the order sessions were made.
    this.#lastStart = Math.max(Date.now(), this.#lastStart + 1)
    const record = newSessionRecord({
      sessionId: randomUUID(),
      userId,
      ownerRole,
      request,
      mcpServers: sessionMcpServers(this.#options.mcpServers, ownerRole, request.mcp_servers),
      agent: this.#options.agent,
      defaultAgentType: this.#options.defaultAgentType,
      startedAt: new Date(this.#lastStart),
      owner: this.#replica.id,
      leaseUntil: this.#leaseUntil(),
    })
    const live = this.#runtime.track(record)
    this.#admitting.add(record.session_id)
    try {
      const admission = await this.#options.store.admit(record, this.#options.limits)
      if (!admission.admitted) {
        this.#options.metrics?.failed(admission.limit === 'proxy' ? 'limit_proxy' : 'limit_user')
        throw limitReached(admission, userId, this.#options.limits)
      }
    } catch (error) {
      this.#runtime.untrack(record.session_id)
      throw error
    } finally {
      this.#admitting.delete(record.session_id)
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
      ...(query.status ? { statuses: query.status } : {}),
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

  /**
   * Stops the agent (SIGTERM, then SIGKILL after the grace period) and removes its workdir,
   * from any replica: the one that runs it stops it, asked through the store, or this one
   * takes the session over once the owner's lease has run out.
   */
  async delete(principal: Principal, sessionId: string): Promise<DeleteSessionResponse> {
    const record = await this.#visible(principal, sessionId)
    // The agent may take the whole stop grace to exit; its streams end with the DELETE.
    this.#options.onDelete?.(sessionId)
    const recorded = this.#runtime.get(sessionId)
      ? await this.#runtime.stop(sessionId, 'stopped', null)
      : isClaimable(record.status)
        ? await this.#stopElsewhere(record)
        : // Ended already, maybe by a DELETE whose row is still waiting for the store.
          await this.#runtime.save(sessionId, { status: record.status })
    // A stop the store has not recorded is lost if the proxy stops before the store is back:
    // the next start brings the session back, and it must find its workdir.
    if (!recorded) {
      throw new AppError(
        'service_unavailable',
        `Session ${sessionId} is stopped, but the session store has not recorded it yet; its workdir is kept until it has. Send the DELETE again`,
        { headers: { 'Retry-After': '5' } },
      )
    }
    await this.#options.provisioner.remove(sessionId)
    return { session_id: sessionId, status: 'terminated' }
  }

  /**
   * Stops a session this replica does not run: claims it if nobody holds it, else asks. Resolves
   * with whether the store holds its end now.
   */
  async #stopElsewhere(record: SessionRecord): Promise<boolean> {
    const { store, limits } = this.#options
    const id = record.session_id
    const deadline = Date.now() + limits.stopGraceMs + this.#replica.leaseMs + 5_000
    let asked = false
    for (;;) {
      const claimed = await this.#claim(id)
      if (claimed) return this.#stopClaimed(claimed)
      // Its owner hears of this through the change feed (#onChange) and stops it.
      if (!asked) await store.update(id, { status: 'stopping' })
      asked = true
      await new Promise((resolve) => setTimeout(resolve, REMOTE_STOP_POLL_MS))
      const now = await store.get(id)
      // Its owner wrote it: the store has it.
      if (!now || !isClaimable(now.status)) return true
      if (Date.now() > deadline) {
        throw new AppError(
          'service_unavailable',
          `Replica ${now.owner ?? 'unknown'} runs session ${id} and has not stopped it yet; try the DELETE again`,
          { headers: { 'Retry-After': '5' } },
        )
      }
    }
  }

  /** Claims a session for this replica if no other holds it; null when one does. */
  #claim(sessionId: string): Promise<SessionRecord | null> {
    const now = this.#replica.exclusive ? END_OF_TIME : new Date().toISOString()
    return this.#options.store.claim(sessionId, this.#replica.id, this.#leaseUntil(), now)
  }

  /**
   * Stops the agent of a session this replica claimed but does not run, and marks it stopped;
   * false when the store keeps that mark to retry later.
   */
  async #stopClaimed(record: SessionRecord): Promise<boolean> {
    const { provisioner, limits, logger } = this.#options
    const { session_id: sessionId, agent_url: url, handle } = record
    let exit: AgentExit | null = null
    if (url && handle) {
      const agent = await provisioner.adopt({ sessionId, url, handle }, () => undefined)
      if (agent) exit = await provisioner.stop(agent, limits.stopGraceMs)
      else logger.warn({ session_id: sessionId, url }, 'could not reach the agent to stop it')
    }
    return this.#runtime.save(sessionId, {
      status: 'stopped',
      agent_status: null,
      exit_code: exit?.code ?? null,
      stopped_at: new Date().toISOString(),
    })
  }

  /** A row changed: if it is one of ours and another replica asked for its stop, stop it. */
  async #onChange(change: SessionChange): Promise<void> {
    const ids = change === '*' ? this.#runtime.all().map((live) => live.sessionId) : [change]
    for (const id of ids) {
      const live = this.#runtime.get(id)
      if (!live || live.stopping) continue
      const record = await this.#options.store.get(id).catch(() => null)
      if (record?.status !== 'stopping' || live.stopping) continue
      this.#options.logger.info(
        { session_id: id },
        'stopping session on request of another replica',
      )
      this.#options.onDelete?.(id)
      await this.#runtime.stop(id, 'stopped', null)
      await this.#options.provisioner.remove(id)
    }
  }

  /**
   * Takes over what no replica holds: sessions whose owner stopped renewing its lease (it died
   * or lost the store) and suspended ones. Agents that still run and can be reached are
   * adopted; the others fail, saying why; suspended sessions are started again.
   */
  takeOver(): Promise<void> {
    this.#takingOver ??= this.#takeOver().finally(() => {
      this.#takingOver = null
    })
    return this.#takingOver
  }

  async #takeOver(): Promise<void> {
    const { store, logger } = this.#options
    for (const record of await store.listUnheld(new Date().toISOString())) {
      if (this.#closing) return
      const id = record.session_id
      if (this.#runtime.get(id)) continue // ours; the lease renewal is late
      const claimed = await this.#claim(id)
      if (!claimed) continue
      logger.info({ session_id: id, from: record.owner }, 'taking over session')
      if (claimed.status === 'stopping') await this.#stopClaimed(claimed)
      else if (claimed.status === 'suspended') this.#restart(claimed)
      else if (!(await this.#runtime.adopt(claimed))) {
        this.#options.metrics?.failed('takeover_unreachable')
        await this.#runtime.save(id, {
          status: 'failed',
          agent_status: null,
          error:
            `Replica ${record.owner ?? 'unknown'} stopped renewing its lease and replica ` +
            `${this.#replica.id} could not reach its agent at ${claimed.agent_url ?? 'no address'}`,
          stopped_at: new Date().toISOString(),
        })
      }
    }
  }

  #restart(record: SessionRecord): void {
    const live = this.#runtime.track(record)
    live.launching = this.#runtime
      .save(record.session_id, { status: 'starting', agent_status: null })
      .then(() => this.#runtime.launch(live, record, true))
  }

  /** The sessions this replica runs, as `/metrics` counts them (not every replica's). */
  liveStates(): ReadonlyArray<Pick<LiveSession, 'status' | 'agentStatus'>> {
    return this.#runtime.all()
  }

  async lookup(sessionId: string): Promise<ProxyTarget | undefined> {
    return this.#runtime.lookup(sessionId) ?? this.#routes.lookup(sessionId)
  }

  touch(sessionId: string): void {
    if (this.#runtime.touch(sessionId)) return
    // Another replica's session: its owner culls it, and reads this activity from the store.
    const now = Date.now()
    // Often enough for the owner's culling to see it in time, whatever the idle timeout.
    const idle = this.#options.limits.idleTimeoutMs
    const every = idle > 0 ? Math.min(REMOTE_ACTIVITY_EVERY_MS, idle / 4) : REMOTE_ACTIVITY_EVERY_MS
    if (now - (this.#remoteActivity.get(sessionId) ?? 0) < every) return
    if (this.#remoteActivity.size > 10_000) this.#remoteActivity.clear()
    this.#remoteActivity.set(sessionId, now)
    this.#options.store
      .recordActivity(sessionId, new Date(now).toISOString())
      .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'activity not saved'))
  }

  reportAgentGone(sessionId: string, reason: string): void {
    this.#runtime.reportAgentGone(sessionId, reason)
  }

  /**
   * Graceful shutdown: stops every agent. With persistence the sessions stay `suspended`, for
   * the next start to restore; without it they end `stopped`.
   */
  async shutdown(): Promise<void> {
    this.#closing = true
    for (const timer of this.#timers) clearInterval(timer)
    this.#unsubscribe()
    this.#routes.close()
    await this.#takingOver
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
    // Other replicas' sessions, and ones whose lease is still running out: not ours to touch
    // (the take-over adopts the latter once it has), and their processes are not orphans.
    const keep = new Set<string>()
    let adopted = 0
    for (const record of records) {
      const ours =
        this.#replica.exclusive || record.owner === null || record.owner === this.#replica.id
      const claimed = ours ? await this.#claim(record.session_id) : null
      if (!claimed) keep.add(record.session_id)
      else if (claimed.status === 'stopping') {
        const error = 'The proxy stopped while this session was being stopped'
        await this.#runtime.save(record.session_id, {
          status: 'stopped',
          error,
          stopped_at: new Date().toISOString(),
        })
      } else if (claimed.status !== 'suspended' && (await this.#runtime.adopt(claimed))) adopted++
      else restarts.push(claimed)
    }
    for (const live of this.#runtime.all()) keep.add(live.sessionId)
    const reaped = await provisioner.reapOrphans(keep, limits.stopGraceMs)
    for (const record of restarts) this.#restart(record)
    const pruned = await this.prune()
    if (!this.#replica.exclusive) await this.takeOver()
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
