import { randomBytes } from 'node:crypto'
import type { AuditAction, AuditEntry, AuditPage, AuditQuery } from '@agentapi-proxy/shared'
import { isAdmin, type Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { decodePosition, encodePosition } from '../store/cursor.ts'
import type { AuditStore } from './audit-store.ts'
import { KeptEntries } from './kept-entries.ts'

/** One audited action, as the code that did it reports it. */
export interface AuditEvent {
  action: AuditAction
  /** Who did it (their user id and how they authenticated are recorded, never the credential). */
  principal: Pick<Principal, 'user_id' | 'auth_type'>
  /** The session id or API key id acted on; null when there is none (a sign-in). */
  target: string | null
  /** The client's address (`clientAddress()`), null when unknown. */
  source: string | null
  requestId?: string | null
}

/** Records audited actions; what routes and services are handed. */
export interface AuditRecorder {
  /**
   * Appends the entry. Never rejects: an entry the store refuses is kept and retried (and
   * logged), so a brief outage of the store never fails the action that was audited.
   */
  record(event: AuditEvent): Promise<void>
}

/** Options for {@link AuditLog}. */
export interface AuditLogOptions {
  store: AuditStore
  logger: Logger
  /** Entries kept in memory while the store refuses them (10,000 by default). */
  maxKept?: number
  /** Entries older than this are deleted, hourly and at start (`audit.retention`); 0 keeps all. */
  retentionMs?: number
  clock?: () => number
}

const PRUNE_EVERY_MS = 3_600_000

/**
 * The audit log: records actions (see {@link AuditRecorder}) and lists them to admins.
 *
 * @example
 * const audit = new AuditLog({ store: opened.auditStore, logger })
 * await audit.record({ action: 'session.share', principal, target: sessionId, source })
 */
export class AuditLog implements AuditRecorder {
  readonly #store: AuditStore
  readonly #kept: KeptEntries
  readonly #clock: () => number
  readonly #retentionMs: number
  readonly #logger: Logger
  #pruning: NodeJS.Timeout | undefined
  #last = 0

  constructor(options: AuditLogOptions) {
    this.#store = options.store
    this.#clock = options.clock ?? Date.now
    this.#logger = options.logger
    this.#retentionMs = options.retentionMs ?? 0
    if (this.#retentionMs > 0) {
      const prune = () => {
        this.prune().catch((error: unknown) =>
          this.#logger.warn({ err: error }, 'pruning the audit log failed; next try in an hour'),
        )
      }
      this.#pruning = setInterval(prune, PRUNE_EVERY_MS).unref()
      prune()
    }
    this.#kept = new KeptEntries({
      append: (entry) => options.store.append(entry),
      logger: options.logger,
      ...(options.maxKept ? { max: options.maxKept } : {}),
    })
  }

  /** Entries waiting for the store to accept them. */
  get pending(): number {
    return this.#kept.size
  }

  /** Entries given up on (each logged whole at error level). */
  get lost(): number {
    return this.#kept.lost
  }

  async record(event: AuditEvent): Promise<void> {
    const entry = this.#entry(event)
    // Behind entries already waiting: appended now, it would sort before them in nothing but id.
    if (this.#kept.size > 0) {
      this.#kept.keep(entry, new Error('earlier entries are still waiting for the store'))
      return
    }
    try {
      await this.#store.append(entry)
    } catch (error) {
      this.#kept.keep(entry, error)
    }
  }

  /** `GET /audit`: admins only; newest first; an opaque cursor. */
  async list(principal: Principal, query: AuditQuery): Promise<AuditPage> {
    if (!isAdmin(principal)) throw new AppError('forbidden', 'Only admins may read the audit log')
    const limit = query.limit ?? 100
    const after = query.cursor ? decodePosition(query.cursor) : undefined
    const rows = await this.#store.list({
      ...(query.user_id ? { user_id: query.user_id } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.since ? { since: utc(query.since) } : {}),
      ...(query.until ? { until: utc(query.until) } : {}),
      ...(after ? { after: { at: after.time, id: after.id } } : {}),
      limit: limit + 1,
    })
    const entries = rows.slice(0, limit)
    const last = entries.at(-1)
    const more = rows.length > limit && last
    return { entries, next_cursor: more ? encodePosition(last.at, last.id) : null }
  }

  /** Fails while entries wait for the store (what `/ready` reports). */
  async ping(): Promise<void> {
    if (this.#kept.size > 0) throw new Error(`${this.#kept.size} audit entries kept for retry`)
  }

  /**
   * Deletes the entries older than the retention (none when it is 0); resolves with how many.
   * Every replica may run it: a second delete of the same rows deletes nothing.
   */
  async prune(): Promise<number> {
    if (this.#retentionMs <= 0) return 0
    const before = new Date(this.#clock() - this.#retentionMs).toISOString()
    const pruned = await this.#store.prune(before)
    if (pruned > 0) this.#logger.info({ pruned, before }, 'pruned the audit log')
    return pruned
  }

  /** Gives kept entries up to `timeoutMs` to be stored; the rest are logged as lost. */
  close(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.#pruning)
    return this.#kept.close(timeoutMs)
  }

  #entry(event: AuditEvent): AuditEntry {
    // Increasing per process, so a session's start sorts before its delete within a millisecond.
    this.#last = Math.max(this.#clock(), this.#last + 1)
    return {
      id: `aud_${randomBytes(12).toString('base64url')}`,
      at: new Date(this.#last).toISOString(),
      action: event.action,
      user_id: event.principal.user_id,
      auth_method: event.principal.auth_type,
      target: event.target,
      source: event.source,
      request_id: event.requestId ?? null,
    }
  }
}

// Stored timestamps are UTC with milliseconds; a filter in another offset is compared as one.
function utc(timestamp: string): string {
  return new Date(timestamp).toISOString()
}
