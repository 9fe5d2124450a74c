import { newAgentSecret } from '../agent-guard/contract.ts'
import { formatDuration } from '../config/duration.ts'
import type { Logger } from '../logger.ts'
import type { AgentExit, Provisioner } from '../provisioners/provisioner.ts'
import type { SessionRecord } from '../store/session-record.ts'
import type { SessionStore } from '../store/session-store.ts'
import { AgentClient } from './agent-client.ts'
import { type AgentSpecOptions, agentSpec } from './agent-spec.ts'
import { describeExit } from './describe-exit.ts'
import type { ProxyTarget } from './directory.ts'
import { followAgent } from './follow.ts'
import { launchAgent } from './launch.ts'
import type { SessionLimits } from './limits.ts'
import type { LiveSession } from './live-session.ts'
import type { SessionFailureReason, SessionMetrics } from './session-metrics.ts'
import { SpawnSlots } from './spawn-slots.ts'

/** What the runtime drives agents with. */
export interface RuntimeOptions extends AgentSpecOptions {
  store: SessionStore
  provisioner: Provisioner
  limits: SessionLimits
  logger: Logger
  /** Told when a session leaves this replica's hands (stopped, failed, not adopted). */
  onReleased?: (sessionId: string) => void
  metrics?: SessionMetrics
}

const ACTIVITY_SAVE_EVERY_MS = 5_000

/**
 * The sessions this replica runs (holds the lease of), in memory, and the state machine that
 * moves them: start-up, `active`, following the agent, failure, stop. It answers the
 * forwarder's lookups for them without touching the store; every change of state is written
 * through, which is how the other replicas learn of it.
 */
export class SessionRuntime {
  readonly #options: RuntimeOptions
  readonly #live = new Map<string, LiveSession>()
  readonly #slots: SpawnSlots

  constructor(options: RuntimeOptions) {
    this.#options = options
    this.#slots = new SpawnSlots(options.limits.maxConcurrentStarts)
  }

  /** The live session, when there is one. */
  get(sessionId: string): LiveSession | undefined {
    return this.#live.get(sessionId)
  }

  /** Every live session. */
  all(): LiveSession[] {
    return [...this.#live.values()]
  }

  /** Where one of this replica's sessions is; undefined for any other. */
  lookup(sessionId: string): ProxyTarget | undefined {
    const live = this.#live.get(sessionId)
    if (!live) return undefined
    const { ownerId, status, secret } = live
    return { url: live.handle?.url ?? null, ownerId, status, secret }
  }

  /** Stamps activity on one of this replica's sessions; false when it is not one of them. */
  touch(sessionId: string): boolean {
    const live = this.#live.get(sessionId)
    if (!live) return false
    live.lastActivity = Date.now()
    // The hot path only stamps memory; the store hears about it at most every few seconds.
    if (live.lastActivity - live.lastActivitySaved < ACTIVITY_SAVE_EVERY_MS) return true
    live.lastActivitySaved = live.lastActivity
    void this.save(sessionId, { last_activity_at: new Date(live.lastActivity).toISOString() })
    return true
  }

  reportAgentGone(sessionId: string, reason: string): void {
    const live = this.#live.get(sessionId)
    if (!live?.handle || live.status !== 'active') return
    // An agent that exited is marked failed by its exit handler; one that still runs but
    // refuses connections is only logged: it may be restarting its listener.
    this.#options.logger.warn({ session_id: sessionId, reason }, 'agent did not answer the proxy')
  }

  /** Takes over an agent a previous run started; false when it is not ours or does not answer. */
  async adopt(record: SessionRecord): Promise<boolean> {
    const live = this.track(record)
    let onExit: (exit: AgentExit) => void = () => undefined
    const exited = new Promise<AgentExit>((resolve) => {
      onExit = resolve
    })
    const { provisioner } = this.#options
    const { session_id: sessionId, agent_url: url, handle: stored } = record
    const handle =
      url && stored
        ? await provisioner.adopt({ sessionId, url, handle: stored }, (exit) => onExit(exit))
        : null
    // Ours and running is not enough: it must also still answer as an agentapi.
    const answers =
      handle &&
      (await new AgentClient(handle.url, record.agent_secret).status(
        AbortSignal.timeout(2_000),
      )) !== null
    if (!handle || !answers) {
      if (handle) await provisioner.stop(handle, 0)
      this.#release(record.session_id)
      return false
    }
    live.handle = handle
    this.#options.logger.info({ session_id: sessionId, url: handle.url }, 'adopted agent')
    await this.#activate(live, exited, record)
    return true
  }

  /** Registers a session that is about to get an agent. */
  track(record: SessionRecord): LiveSession {
    const now = Date.now()
    const live: LiveSession = {
      sessionId: record.session_id,
      ownerId: record.user_id,
      ownerRole: record.owner_role,
      status: 'starting',
      agentStatus: null,
      handle: null,
      secret: record.agent_secret,
      abort: new AbortController(),
      lastActivity: now,
      lastActivitySaved: now,
      launching: null,
      stopping: null,
    }
    this.#live.set(record.session_id, live)
    return live
  }

  /** Forgets a tracked session whose record the store refused: it never existed. */
  untrack(sessionId: string): void {
    this.#release(sessionId)
  }

  /**
   * Lets go of a session another replica now holds (or may: this one lost the store for longer
   * than its lease), without stopping its agent or writing its row: both are the new owner's.
   */
  relinquish(sessionId: string, why: string): void {
    const live = this.#live.get(sessionId)
    if (!live) return
    this.#options.logger.warn({ session_id: sessionId, why }, 'gave up session')
    live.abort.abort()
    this.#options.provisioner.release(sessionId)
    this.#release(sessionId)
  }

  #release(sessionId: string): void {
    this.#live.delete(sessionId)
    this.#options.onReleased?.(sessionId)
  }

  /** Starts the agent of a tracked session (in the background: callers keep the promise). */
  async launch(live: LiveSession, record: SessionRecord, resume = false) {
    const release = await this.#slots.acquire()
    try {
      if (live.abort.signal.aborted) return
      // Rows from before agent secrets get one at their next start.
      live.secret ??= newAgentSecret()
      this.#options.metrics?.started(resume ? 'resume' : 'new')
      const spawned = performance.now()
      const outcome = await launchAgent({
        live,
        provisioner: this.#options.provisioner,
        spec: agentSpec(this.#options, record, {
          role: live.ownerRole,
          secret: live.secret,
          resume,
        }),
        startupTimeoutMs: this.#options.limits.startupTimeoutMs,
        stopGraceMs: this.#options.limits.stopGraceMs,
        onHandle: (agent) =>
          this.save(agent.sessionId, {
            agent_url: agent.url,
            handle: agent.handle,
            agent_secret: live.secret,
          }),
      })
      if (outcome.kind === 'ready') {
        this.#options.metrics?.ready((performance.now() - spawned) / 1000)
        await this.#activate(live, outcome.exited, record)
      } else if (outcome.kind === 'failed') {
        const { reason, exitCode, error, logTail } = outcome
        await this.#fail(live, reason, exitCode, error, logTail)
      }
    } catch (error) {
      const why = `The agent could not be started: ${(error as Error).message}`
      await this.#fail(live, 'spawn_error', null, why, [])
    } finally {
      release()
    }
  }

  /** `record` is the session as its start read it; no read here, which a failing store breaks. */
  async #activate(live: LiveSession, exited: Promise<AgentExit>, record: SessionRecord) {
    // The row first: other replicas route by it, so a caller told "active" here must not get
    // "starting" from a replica that reads the store a moment later.
    await this.save(live.sessionId, { status: 'active', agent_status: live.agentStatus })
    if (live.status !== 'starting') return // a stop came in meanwhile and owns the outcome
    // Idle time counts from here: a start slower than idle_timeout is not idleness, and its
    // owner has had no chance to send anything yet.
    live.lastActivity = Date.now()
    live.status = 'active'
    exited.then((exit) => this.#onAgentExit(live, exit))
    let pending = record.initial_message_sent ? null : record.initial_message
    void followAgent(
      live,
      {
        onAgentStatus: (status) => {
          if (live.agentStatus === status) return
          live.agentStatus = status
          void this.save(live.sessionId, { agent_status: status })
        },
        takeInitialMessage: () => {
          const message = pending
          pending = null
          if (message !== null) void this.save(live.sessionId, { initial_message_sent: true })
          return message
        },
      },
      this.#options.logger,
    )
  }

  async #onAgentExit(live: LiveSession, exit: AgentExit) {
    if (live.status !== 'active') return // a stop in progress owns the outcome
    if (this.#live.get(live.sessionId) !== live) return // given up: the new owner's to handle
    const tail = live.handle ? await this.#options.provisioner.logs(live.handle, 20) : null
    await this.#fail(live, 'agent_exit', exit.code, describeExit(exit), tail?.lines ?? [])
  }

  async #fail(
    live: LiveSession,
    reason: SessionFailureReason,
    exitCode: number | null,
    error: string,
    logTail: string[],
  ) {
    this.#options.metrics?.failed(reason)
    live.abort.abort()
    this.#release(live.sessionId)
    this.#options.logger.warn(
      { session_id: live.sessionId, exit_code: exitCode, error },
      'session failed',
    )
    await this.save(live.sessionId, {
      status: 'failed',
      agent_status: null,
      exit_code: exitCode,
      error,
      log_tail: logTail,
      stopped_at: new Date().toISOString(),
    })
  }

  /**
   * Stops a live session's agent; concurrent calls share one stop. Resolves with whether the
   * store recorded the final status now (false: it keeps it to retry, or there was no stop).
   */
  stop(
    sessionId: string,
    status: 'stopped' | 'suspended',
    reason: string | null,
  ): Promise<boolean> {
    const live = this.#live.get(sessionId)
    if (!live) return Promise.resolve(false)
    live.stopping ??= (async () => {
      live.status = 'stopping'
      live.abort.abort()
      await this.save(sessionId, { status: 'stopping' })
      // A start in progress sees the abort and stops what it started; wait for it first.
      await live.launching
      const { provisioner } = this.#options
      const exit =
        live.handle && provisioner.inspect(live.handle) === 'running'
          ? await provisioner.stop(live.handle, this.#options.limits.stopGraceMs)
          : null
      this.#release(sessionId)
      return this.save(sessionId, {
        status,
        agent_status: null,
        exit_code: exit?.code ?? null,
        error: reason,
        // A suspended session has not ended: retention does not count it. Nor is it anyone's:
        // the next replica to start (or one already running) brings it back.
        stopped_at: status === 'stopped' ? new Date().toISOString() : null,
        ...(status === 'suspended' ? { owner: null, lease_until: null } : {}),
      })
    })()
    return live.stopping
  }

  /**
   * Stops active sessions with no proxied traffic for the idle timeout, through any replica:
   * a session quiet here is checked against the newest activity the store has seen.
   */
  async cullIdle(): Promise<void> {
    const cutoff = Date.now() - this.#options.limits.idleTimeoutMs
    for (const live of [...this.#live.values()]) {
      if (live.status !== 'active' || live.lastActivity > cutoff) continue
      const stored = await this.#options.store.get(live.sessionId).catch(() => null)
      const elsewhere = stored ? Date.parse(stored.last_activity_at) : 0
      if (elsewhere > live.lastActivity) {
        live.lastActivity = elsewhere
        live.lastActivitySaved = elsewhere
        if (elsewhere > cutoff) continue
      }
      if (live.status !== 'active' || live.stopping) continue
      const idle = formatDuration(this.#options.limits.idleTimeoutMs)
      this.#options.logger.info({ session_id: live.sessionId }, 'stopping idle session')
      void this.stop(live.sessionId, 'stopped', `Stopped after ${idle} without proxied traffic`)
    }
  }

  /** Applies a patch to the session's row; false when the store kept it to retry later. */
  async save(sessionId: string, patch: Partial<SessionRecord>): Promise<boolean> {
    return (await this.#options.store.update(sessionId, patch)) !== null
  }
}
