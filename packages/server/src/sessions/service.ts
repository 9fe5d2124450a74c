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
import { formatDuration } from '../config/duration.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { AgentChoice } from '../provisioners/agent-command.ts'
import type { AgentExit, Provisioner } from '../provisioners/provisioner.ts'
import type { ProxyTarget, SessionDirectory } from '../proxy/directory.ts'
import type { SessionRecord } from '../store/session-record.ts'
import type { SessionStore } from '../store/session-store.ts'
import { AgentClient } from './agent-client.ts'
import { assertAllowedEnvironment, sessionEnvironment } from './env.ts'
import { followAgent } from './follow.ts'
import { launchAgent } from './launch.ts'
import { checkLimits } from './limits.ts'
import type { LiveSession } from './live-session.ts'
import { newSessionRecord } from './new-record.ts'
import { SpawnSlots } from './spawn-slots.ts'
import { toSession, toSummary } from './views.ts'

/** The rules the service enforces, from the config's `session` section (milliseconds). */
export interface SessionLimits {
  maxSessions: number
  maxSessionsPerUser: number
  maxConcurrentStarts: number
  startupTimeoutMs: number
  idleTimeoutMs: number
  stopGraceMs: number
}

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
  /** argv that restarts an agent in its workdir (e.g. `claude -c`); the start command if unset. */
  resumeCommand?: readonly string[]
  /** Keep sessions as `suspended` on shutdown, to be restored by the next start (persistence on). */
  suspendOnShutdown?: boolean
  /** How long stopped and failed sessions stay searchable; 0 keeps them forever. */
  retentionMs?: number
  logger: Logger
}

const ACTIVITY_SAVE_EVERY_MS = 5_000
const PRUNE_EVERY_MS = 3_600_000

/**
 * Owns the session lifecycle: `starting → active → stopping → stopped`, or `failed`. It applies
 * the limits and ownership rules, drives a provisioner and a store, and answers the forwarder's
 * lookups from memory. It knows nothing of HTTP (errors are AppErrors) or of PIDs.
 */
export class SessionService implements SessionDirectory {
  readonly #options: SessionServiceOptions
  readonly #live = new Map<string, LiveSession>()
  readonly #slots: SpawnSlots
  readonly #idleTimer: NodeJS.Timeout | null
  readonly #pruneTimer: NodeJS.Timeout | null
  #lastStart = 0

  constructor(options: SessionServiceOptions) {
    this.#options = options
    this.#slots = new SpawnSlots(options.limits.maxConcurrentStarts)
    const idle = options.limits.idleTimeoutMs
    this.#idleTimer =
      idle > 0 ? setInterval(() => this.#cullIdle(), Math.min(idle / 4, 30_000)) : null
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
    assertAllowedEnvironment(request.environment ?? {})
    checkLimits(this.#live.values(), userId, this.#options.limits)
    // Start times are unique and increasing, so "newest first" is the order sessions were made.
    this.#lastStart = Math.max(Date.now(), this.#lastStart + 1)
    const record = newSessionRecord({
      sessionId: randomUUID(),
      userId,
      request,
      agent: this.#options.agent,
      defaultAgentType: this.#options.defaultAgentType,
      startedAt: new Date(this.#lastStart),
    })
    const live = this.#track(record, principal.role)
    await this.#options.store.insert(record)
    live.launching = this.#launch(live, record)
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
      sessions: page.records.map((r) => toSummary(r, this.#live.get(r.session_id))),
      next_cursor: page.next_cursor,
    }
  }

  async get(principal: Principal, sessionId: string): Promise<Session> {
    const record = await this.#visible(principal, sessionId)
    return toSession(record, this.#live.get(sessionId))
  }

  async logs(principal: Principal, sessionId: string, tail: number): Promise<SessionLogs> {
    const record = await this.#visible(principal, sessionId)
    const { lines, truncated } = record.log_path
      ? await this.#options.provisioner.logs(record.log_path, tail)
      : { lines: [], truncated: false }
    return { session_id: sessionId, lines, truncated }
  }

  /** Stops the agent (SIGTERM, then SIGKILL after the grace period) and removes its workdir. */
  async delete(principal: Principal, sessionId: string): Promise<DeleteSessionResponse> {
    const record = await this.#visible(principal, sessionId)
    await this.#stop(sessionId, 'stopped', null)
    if (record.workdir) {
      await this.#options.provisioner.remove({ sessionId, workdir: record.workdir })
    }
    return { session_id: sessionId, status: 'terminated' }
  }

  lookup(sessionId: string): ProxyTarget | undefined {
    const live = this.#live.get(sessionId)
    if (!live) return undefined
    return { url: live.handle?.url ?? null, ownerId: live.ownerId, status: live.status }
  }

  touch(sessionId: string): void {
    const live = this.#live.get(sessionId)
    if (!live) return
    live.lastActivity = Date.now()
    // The hot path only stamps memory; the store hears about it at most every few seconds.
    if (live.lastActivity - live.lastActivitySaved < ACTIVITY_SAVE_EVERY_MS) return
    live.lastActivitySaved = live.lastActivity
    void this.#save(sessionId, { last_activity_at: new Date(live.lastActivity).toISOString() })
  }

  reportAgentGone(sessionId: string, reason: string): void {
    const live = this.#live.get(sessionId)
    if (!live?.handle || live.status !== 'active') return
    // An agent that exited is marked failed by its exit handler; one that still runs but
    // refuses connections is only logged: it may be restarting its listener.
    this.#options.logger.warn({ session_id: sessionId, reason }, 'agent did not answer the proxy')
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
    await Promise.all([...this.#live.keys()].map((id) => this.#stop(id, status, reason)))
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
        await this.#save(record.session_id, {
          status: 'stopped',
          error,
          stopped_at: new Date().toISOString(),
        })
      } else if (record.status !== 'suspended' && (await this.#adopt(record))) adopted++
      else restarts.push(record)
    }
    const reaped = await provisioner.reapOrphans(new Set(this.#live.keys()), limits.stopGraceMs)
    for (const record of restarts) {
      const live = this.#track(record)
      await this.#save(record.session_id, { status: 'starting', agent_status: null })
      live.launching = this.#launch(live, record, true)
    }
    const pruned = await this.prune()
    return { adopted, restarted: restarts.length, reaped: reaped.length, pruned }
  }

  /** Deletes stopped and failed sessions older than the retention; returns how many. */
  async prune(): Promise<number> {
    const retention = this.#options.retentionMs ?? 0
    if (retention <= 0) return 0
    return this.#options.store.prune(new Date(Date.now() - retention).toISOString())
  }

  async #adopt(record: SessionRecord): Promise<boolean> {
    const live = this.#track(record)
    let onExit: (exit: AgentExit) => void = () => undefined
    const exited = new Promise<AgentExit>((resolve) => {
      onExit = resolve
    })
    const { provisioner } = this.#options
    const handle = await provisioner.adopt(
      {
        sessionId: record.session_id,
        pid: record.pid,
        port: record.port,
        workdir: record.workdir,
        logPath: record.log_path,
      },
      (exit) => onExit(exit),
    )
    // Ours and running is not enough: it must also still answer as an agentapi.
    const answers =
      handle && (await new AgentClient(handle.url).status(AbortSignal.timeout(2_000))) !== null
    if (!handle || !answers) {
      if (handle) await provisioner.stop(handle, 0)
      this.#live.delete(record.session_id)
      return false
    }
    live.handle = handle
    this.#options.logger.info({ session_id: record.session_id, pid: handle.pid }, 'adopted agent')
    await this.#activate(live, exited)
    return true
  }

  #environment(record: SessionRecord, role: string | null): Record<string, string> {
    return sessionEnvironment({
      proxyEnv: this.#options.proxyEnv,
      inherit: this.#options.inheritEnv,
      roleEnv: role === null ? undefined : this.#options.roleEnv?.(role),
      request: record.environment,
    })
  }

  #track(record: SessionRecord, ownerRole: string | null = null): LiveSession {
    const now = Date.now()
    const live: LiveSession = {
      sessionId: record.session_id,
      ownerId: record.user_id,
      ownerRole,
      status: 'starting',
      agentStatus: null,
      handle: null,
      abort: new AbortController(),
      lastActivity: now,
      lastActivitySaved: now,
      launching: null,
      stopping: null,
    }
    this.#live.set(record.session_id, live)
    return live
  }

  async #launch(live: LiveSession, record: SessionRecord, resume = false) {
    const release = await this.#slots.acquire()
    try {
      if (live.abort.signal.aborted) return
      // A restart resumes in the workdir it had: the repository is already there.
      const command = (resume && this.#options.resumeCommand) || this.#options.agent.command
      const outcome = await launchAgent({
        live,
        provisioner: this.#options.provisioner,
        spec: {
          sessionId: record.session_id,
          command: command.map((a) => a.replaceAll('{type}', record.agent_type)),
          env: this.#environment(record, live.ownerRole),
          repository: resume ? null : record.repository,
        },
        startupTimeoutMs: this.#options.limits.startupTimeoutMs,
        stopGraceMs: this.#options.limits.stopGraceMs,
        onHandle: (h) =>
          this.#save(h.sessionId, {
            port: h.port,
            pid: h.pid,
            workdir: h.workdir,
            log_path: h.logPath,
          }),
      })
      if (outcome.kind === 'ready') await this.#activate(live, outcome.exited)
      else if (outcome.kind === 'failed')
        await this.#fail(live, outcome.exitCode, outcome.error, outcome.logTail)
    } catch (error) {
      await this.#fail(
        live,
        null,
        `The agent could not be started: ${(error as Error).message}`,
        [],
      )
    } finally {
      release()
    }
  }

  async #activate(live: LiveSession, exited: Promise<{ code: number | null }>) {
    live.status = 'active'
    await this.#save(live.sessionId, { status: 'active', agent_status: live.agentStatus })
    exited.then((exit) => this.#onAgentExit(live, exit.code))
    const record = await this.#options.store.get(live.sessionId)
    let pending = record && !record.initial_message_sent ? record.initial_message : null
    void followAgent(
      live,
      {
        onAgentStatus: (status) => {
          if (live.agentStatus === status) return
          live.agentStatus = status
          void this.#save(live.sessionId, { agent_status: status })
        },
        takeInitialMessage: () => {
          const message = pending
          pending = null
          if (message !== null) void this.#save(live.sessionId, { initial_message_sent: true })
          return message
        },
      },
      this.#options.logger,
    )
  }

  async #onAgentExit(live: LiveSession, code: number | null) {
    if (live.status !== 'active') return // a stop in progress owns the outcome
    const tail = live.handle ? await this.#options.provisioner.logs(live.handle.logPath, 20) : null
    await this.#fail(
      live,
      code,
      `The agent exited by itself with code ${code ?? 'unknown'}`,
      tail?.lines ?? [],
    )
  }

  async #fail(live: LiveSession, exitCode: number | null, error: string, logTail: string[]) {
    live.abort.abort()
    this.#live.delete(live.sessionId)
    this.#options.logger.warn(
      { session_id: live.sessionId, exit_code: exitCode, error },
      'session failed',
    )
    await this.#save(live.sessionId, {
      status: 'failed',
      agent_status: null,
      exit_code: exitCode,
      error,
      log_tail: logTail,
      stopped_at: new Date().toISOString(),
    })
  }

  #stop(sessionId: string, status: 'stopped' | 'suspended', reason: string | null): Promise<void> {
    const live = this.#live.get(sessionId)
    if (!live) return Promise.resolve()
    live.stopping ??= (async () => {
      live.status = 'stopping'
      live.abort.abort()
      await this.#save(sessionId, { status: 'stopping' })
      // A start in progress sees the abort and stops what it started; wait for it first.
      await live.launching
      const { provisioner } = this.#options
      const exit =
        live.handle && provisioner.isAlive(live.handle)
          ? await provisioner.stop(live.handle, this.#options.limits.stopGraceMs)
          : null
      this.#live.delete(sessionId)
      await this.#save(sessionId, {
        status,
        agent_status: null,
        exit_code: exit?.code ?? null,
        error: reason,
        // A suspended session has not ended: retention does not count it.
        stopped_at: status === 'stopped' ? new Date().toISOString() : null,
      })
    })()
    return live.stopping
  }

  #cullIdle(): void {
    const cutoff = Date.now() - this.#options.limits.idleTimeoutMs
    for (const live of this.#live.values()) {
      if (live.status !== 'active' || live.lastActivity > cutoff) continue
      const idle = formatDuration(this.#options.limits.idleTimeoutMs)
      this.#options.logger.info({ session_id: live.sessionId }, 'stopping idle session')
      void this.#stop(live.sessionId, 'stopped', `Stopped after ${idle} without proxied traffic`)
    }
  }

  async #visible(principal: Principal, sessionId: string): Promise<SessionRecord> {
    const record = await this.#options.store.get(sessionId)
    // Another user's session answers exactly like a missing one: ids are not enumerable.
    if (!record || !canAccess(principal, record.user_id)) {
      throw new AppError('session_not_found', `No session ${sessionId} is visible to you`)
    }
    return record
  }

  async #save(sessionId: string, patch: Partial<SessionRecord>): Promise<void> {
    await this.#options.store.update(sessionId, patch)
  }
}
