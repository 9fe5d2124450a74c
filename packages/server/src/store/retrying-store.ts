import type { SessionStatus } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ChangeFeed } from './change-feed.ts'
import type { EventLogPage } from './event-log.ts'
import { PendingWrites } from './pending-writes.ts'
import type { SessionRecord } from './session-record.ts'
import type {
  Admission,
  AdmissionLimits,
  SessionFilter,
  SessionPage,
  SessionStore,
} from './session-store.ts'

/** Options for {@link RetryingSessionStore}. */
export interface RetryingStoreOptions {
  logger: Logger
  /** Told when the store starts and stops refusing writes. */
  onFailing?: (failing: boolean) => void
  /** How long `close()` keeps retrying what is still pending. */
  closeTimeoutMs?: number
}

/**
 * A session store that a failing database cannot take down: updates go through one writer
 * that keeps and retries what the store refuses ({@link PendingWrites}), reads see those kept
 * updates, a read or insert that fails is a 503 for its request (never a crash), and `ping`
 * fails — with a reason `/ready` shows — while writes are being refused.
 *
 * @example
 * const store = new RetryingSessionStore(new SqlSessionStore(db), { logger })
 */
export class RetryingSessionStore implements SessionStore {
  readonly #inner: SessionStore
  readonly #writes: PendingWrites
  readonly #options: RetryingStoreOptions

  constructor(inner: SessionStore, options: RetryingStoreOptions) {
    this.#inner = inner
    this.#options = options
    this.#writes = new PendingWrites({
      write: (id, patch) => inner.update(id, patch),
      logger: options.logger,
      ...(options.onFailing ? { onFailing: options.onFailing } : {}),
    })
  }

  async insert(record: SessionRecord): Promise<void> {
    try {
      await this.#inner.insert(record)
    } catch (error) {
      this.#writes.observe(error)
      throw unavailable(error)
    }
  }

  async admit(record: SessionRecord, limits: AdmissionLimits): Promise<Admission> {
    try {
      return await this.#inner.admit(record, limits)
    } catch (error) {
      this.#writes.observe(error)
      throw unavailable(error)
    }
  }

  // Leases and claims are not kept for retry: a claim must be decided now, and a lease that
  // cannot be renewed is renewed by the next tick (or lost, which is what failover is for).
  claim(
    sessionId: string,
    owner: string,
    leaseUntil: string,
    now: string,
  ): Promise<SessionRecord | null> {
    return this.#read(() => this.#inner.claim(sessionId, owner, leaseUntil, now))
  }

  renewLeases(owner: string, leaseUntil: string): Promise<string[]> {
    return this.#read(() => this.#inner.renewLeases(owner, leaseUntil))
  }

  async listUnheld(now: string): Promise<SessionRecord[]> {
    return (await this.#read(() => this.#inner.listUnheld(now))).map((r) => this.#overlay(r))
  }

  recordActivity(sessionId: string, at: string): Promise<void> {
    return this.#read(() => this.#inner.recordActivity(sessionId, at))
  }

  get changes(): ChangeFeed {
    return this.#inner.changes
  }

  /** Never rejects: resolves with the stored row, or null when the update was kept for retry. */
  update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionRecord | null> {
    return this.#writes.enqueue(sessionId, patch)
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    return this.#overlay(await this.#read(() => this.#inner.get(sessionId)))
  }

  async search(filter: SessionFilter): Promise<SessionPage> {
    const page = await this.#read(() => this.#inner.search(filter))
    return { ...page, records: page.records.map((record) => this.#overlay(record)) }
  }

  countLive(userId?: string): Promise<number> {
    return this.#read(() => this.#inner.countLive(userId))
  }

  async listLive(): Promise<SessionRecord[]> {
    return (await this.#read(() => this.#inner.listLive())).map((r) => this.#overlay(r))
  }

  async listWithStatus(statuses: readonly SessionStatus[]): Promise<SessionRecord[]> {
    const records = await this.#read(() => this.#inner.listWithStatus(statuses))
    return records.map((record) => this.#overlay(record))
  }

  eventsAfter(afterId: number, limit: number): Promise<EventLogPage> {
    return this.#read(() => this.#inner.eventsAfter(afterId, limit))
  }

  pruneEvents(before: string): Promise<number> {
    return this.#read(() => this.#inner.pruneEvents(before))
  }

  /** Retention is not urgent: a prune the store refuses is logged and tried again next time. */
  async prune(endedBefore: string): Promise<number> {
    try {
      return await this.#inner.prune(endedBefore)
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'could not prune old sessions; will try again')
      return 0
    }
  }

  /** Fails, naming why, while writes are refused or the backend's own check fails. */
  async ping(): Promise<void> {
    const failure = this.#writes.failure
    if (failure !== null && this.#writes.size > 0) {
      throw new Error(`writes failing (${describe(failure)}), ${this.#writes.size} kept for retry`)
    }
    try {
      await this.#inner.ping()
    } catch (error) {
      this.#writes.observe(error)
      throw new Error(describe(error))
    }
    this.#writes.observe(null)
  }

  async close(): Promise<void> {
    await this.#writes.close(this.#options.closeTimeoutMs ?? 10_000)
    await this.#inner.close()
  }

  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read()
    } catch (error) {
      // The store's own refusals (a forged cursor) are the caller's fault, not an outage.
      throw error instanceof AppError ? error : unavailable(error)
    }
  }

  #overlay<T extends SessionRecord | null>(record: T): T {
    const pending = record && this.#writes.overlay(record.session_id)
    return pending ? { ...record, ...pending } : record
  }
}

function unavailable(error: unknown): AppError {
  return new AppError('service_unavailable', 'The session store is not answering; try again', {
    headers: { 'Retry-After': '5' },
    cause: error,
  })
}

/**
 * A short reason for the public `/ready`: the error's code (SQLITE_BUSY, 57P01, ENOENT) when it
 * has one, which never carries a path or a connection string; else the driver's own sentence.
 */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code !== '') return code
  return error instanceof Error ? error.message.slice(0, 120) : 'unknown error'
}
