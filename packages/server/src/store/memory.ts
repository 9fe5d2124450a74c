import type { SessionChangeEvent, SessionChangeType, SessionStatus } from '@agentapi-proxy/shared'
import { ChangeFeed, ROUTING_COLUMNS } from './change-feed.ts'
import { compareNewestFirst, decodeCursor, encodeCursor } from './cursor.ts'
import { changeType, DEFAULT_EVENT_LIMIT, type EventLogPage, eventOf } from './event-log.ts'
import {
  ENDED_STATUSES as ENDED,
  isClaimable,
  isLive,
  type SessionRecord,
} from './session-record.ts'
import {
  type Admission,
  type AdmissionLimits,
  limitHit,
  type SessionFilter,
  type SessionPage,
  type SessionStore,
} from './session-store.ts'

/**
 * Sessions in a Map: the reference implementation, the test double, and what runs when
 * persistence is off. Rows are copied in and out so callers can never mutate the store.
 */
export class MemorySessionStore implements SessionStore {
  #rows = new Map<string, SessionRecord>()
  #events: SessionChangeEvent[] = []
  #latestEventId = 0
  readonly #eventLimit: number
  readonly changes = new ChangeFeed()

  /** `eventLimit`: how many events the log keeps (the replay window's size). */
  constructor(options: { eventLimit?: number } = {}) {
    this.#eventLimit = options.eventLimit ?? DEFAULT_EVENT_LIMIT
  }

  async insert(record: SessionRecord): Promise<void> {
    this.#rows.set(record.session_id, structuredClone(record))
    this.#append('created', record)
    this.changes.emit(record.session_id)
  }

  async admit(record: SessionRecord, limits: AdmissionLimits): Promise<Admission> {
    const refused = await limitHit(limits, record.user_id, (user) => this.countLive(user))
    if (refused) return refused
    await this.insert(record)
    return { admitted: true }
  }

  async claim(
    sessionId: string,
    owner: string,
    leaseUntil: string,
    now: string,
  ): Promise<SessionRecord | null> {
    const row = this.#rows.get(sessionId)
    if (!row || !isClaimable(row.status)) return null
    if (!isUnheld(row, owner, now)) return null
    return this.update(sessionId, { owner, lease_until: leaseUntil })
  }

  async renewLeases(owner: string, leaseUntil: string): Promise<string[]> {
    const renewed: string[] = []
    for (const row of this.#rows.values()) {
      if (row.owner !== owner || !isLive(row.status)) continue
      row.lease_until = leaseUntil
      renewed.push(row.session_id)
    }
    return renewed
  }

  async listUnheld(now: string): Promise<SessionRecord[]> {
    return [...this.#rows.values()]
      .filter(
        (row) =>
          (isLive(row.status) && (row.lease_until === null || row.lease_until < now)) ||
          (row.status === 'suspended' && row.owner === null),
      )
      .sort(compareNewestFirst)
      .map((row) => structuredClone(row))
  }

  async recordActivity(sessionId: string, at: string): Promise<void> {
    const row = this.#rows.get(sessionId)
    if (row && row.last_activity_at < at) row.last_activity_at = at
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const row = this.#rows.get(sessionId)
    return row ? structuredClone(row) : null
  }

  async update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionRecord | null> {
    const row = this.#rows.get(sessionId)
    if (!row) return null
    const updated = { ...row, ...structuredClone(patch), session_id: row.session_id }
    this.#rows.set(sessionId, updated)
    const type = changeType(row, updated)
    if (type) this.#append(type, updated)
    if (ROUTING_COLUMNS.some((column) => patch[column] !== undefined)) this.changes.emit(sessionId)
    return structuredClone(updated)
  }

  async search(filter: SessionFilter): Promise<SessionPage> {
    const after = filter.cursor ? decodeCursor(filter.cursor) : null
    const matching = [...this.#rows.values()]
      .filter((row) => matches(row, filter))
      .filter((row) => !after || compareNewestFirst(after, row) < 0)
      .sort(compareNewestFirst)
    const page = matching.slice(0, filter.limit)
    const last = page.at(-1)
    const more = matching.length > filter.limit
    return {
      records: page.map((row) => structuredClone(row)),
      next_cursor: more && last ? encodeCursor(last) : null,
    }
  }

  async countLive(userId?: string): Promise<number> {
    let count = 0
    for (const row of this.#rows.values()) {
      if (isLive(row.status) && (userId === undefined || row.user_id === userId)) count++
    }
    return count
  }

  async listLive(): Promise<SessionRecord[]> {
    return [...this.#rows.values()]
      .filter((row) => isLive(row.status))
      .map((row) => structuredClone(row))
  }

  async listWithStatus(statuses: readonly SessionStatus[]): Promise<SessionRecord[]> {
    return [...this.#rows.values()]
      .filter((row) => statuses.includes(row.status))
      .sort(compareNewestFirst)
      .map((row) => structuredClone(row))
  }

  async prune(endedBefore: string): Promise<number> {
    let pruned = 0
    for (const [id, row] of this.#rows) {
      if (
        !(ENDED as readonly SessionStatus[]).includes(row.status) ||
        !row.stopped_at ||
        row.stopped_at >= endedBefore
      )
        continue
      this.#rows.delete(id)
      this.#append('deleted', row)
      pruned++
    }
    if (pruned > 0) this.changes.emit('*')
    return pruned
  }

  async eventsAfter(afterId: number, limit: number): Promise<EventLogPage> {
    const start = this.#events.findIndex((event) => event.id > afterId)
    const events = start < 0 ? [] : this.#events.slice(start, start + limit)
    return {
      events: structuredClone(events),
      first_id: this.#events[0]?.id ?? null,
      latest_id: this.#latestEventId,
    }
  }

  async pruneEvents(before: string): Promise<number> {
    const keep = this.#events.filter(
      (event, i) => event.at >= before || i === this.#events.length - 1,
    )
    const pruned = this.#events.length - keep.length
    this.#events = keep
    return pruned
  }

  #append(type: SessionChangeType, record: SessionRecord): void {
    const id = ++this.#latestEventId
    this.#events.push({ id, ...structuredClone(eventOf(type, record)) })
    if (this.#events.length > this.#eventLimit) this.#events.shift()
    this.changes.emitEvents(id)
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

function isUnheld(row: SessionRecord, owner: string, now: string): boolean {
  if (row.owner === null || row.owner === owner) return true
  return row.lease_until === null || row.lease_until < now
}

function matches(row: SessionRecord, filter: SessionFilter): boolean {
  if (filter.user_id !== undefined && row.user_id !== filter.user_id) return false
  if (filter.statuses !== undefined && !filter.statuses.includes(row.status)) return false
  for (const [key, value] of Object.entries(filter.tags ?? {})) {
    if (row.tags[key] !== value) return false
  }
  return true
}
