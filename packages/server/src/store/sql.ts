// Kysely, not an ORM or hand-written SQL: a typed query builder gives one code path for SQLite
// and PostgreSQL (only the dialect object differs), checks column names and types at compile
// time, and brings a migrator — with no ORM runtime, identity map or model classes between the
// store and its rows.
import type { SessionChangeType, SessionStatus } from '@agentapi-proxy/shared'
import { type Kysely, sql, type Transaction } from 'kysely'
import { openEnvironment } from '../secrets/environment.ts'
import { isSealed } from '../secrets/secret-box.ts'
import { ChangeFeed, ROUTING_COLUMNS, type SessionChange } from './change-feed.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import type { Database, SqlDialectName } from './database.ts'
import { changeType, DEFAULT_EVENT_LIMIT, type EventLogPage } from './event-log.ts'
import {
  CLAIMABLE_STATUSES,
  ENDED_STATUSES,
  LIVE_STATUSES,
  type SessionRecord,
} from './session-record.ts'
import { fromRow, type RowSecrets, toColumns, toRow } from './session-row.ts'
import {
  type Admission,
  type AdmissionLimits,
  limitHit,
  type SessionFilter,
  type SessionPage,
  type SessionStore,
} from './session-store.ts'
import { SqlEventLog } from './sql-event-log.ts'

/** Appends an event to the log inside the transaction it is given to. */
type AppendEvent = (type: SessionChangeType, record: SessionRecord) => Promise<void>

/** The PostgreSQL channel every replica LISTENs on; the payload is a session id or `*`. */
export const CHANGES_CHANNEL = 'agentapi_proxy_sessions'

/** Options for {@link SqlSessionStore}. */
export interface SqlSessionStoreOptions extends RowSecrets {
  /** Run first by `ping`: that the database is still the one opened (SQLite's file). */
  checkFile?: () => Promise<void>
  /**
   * `postgres`: changes are sent with NOTIFY inside the transaction that makes them, and heard
   * by a listener (postgres-changes.ts) that feeds `changes`. Otherwise (SQLite, one process)
   * the store tells `changes` itself once a change is committed.
   */
  dialect?: SqlDialectName
  changes?: ChangeFeed
  /** How many events the log keeps (the replay window's size). */
  eventLimit?: number
}

// PostgreSQL's lock_timeout error.
const LOCK_NOT_AVAILABLE = '55P03'

/**
 * Sessions in SQL (SQLite or PostgreSQL), behaving exactly as the in-memory reference store.
 * Tags live twice: as JSON on the row, which is what reads return, and one row each in
 * `session_tags`, which is what filters use — an index on (key, value) works the same on both
 * databases, where JSON operators and their indexes differ. The store does not own `db`: its
 * `close()` leaves the connection to whoever opened it.
 *
 * @example
 * const store = new SqlSessionStore(db, { box: new SecretBox(key) })
 * await store.insert(record)
 */
export class SqlSessionStore implements SessionStore {
  #db: Kysely<Database>
  #secrets: RowSecrets
  #checkFile: (() => Promise<void>) | undefined
  #notifies: boolean
  #events: SqlEventLog
  readonly changes: ChangeFeed

  constructor(db: Kysely<Database>, options: SqlSessionStoreOptions = {}) {
    this.#db = db
    this.#secrets = { box: options.box }
    this.#checkFile = options.checkFile
    this.#notifies = options.dialect === 'postgres'
    this.changes = options.changes ?? new ChangeFeed()
    this.#events = new SqlEventLog(db, {
      postgres: this.#notifies,
      limit: options.eventLimit ?? DEFAULT_EVENT_LIMIT,
    })
  }

  async insert(record: SessionRecord): Promise<void> {
    await this.#changing(record.session_id, (trx, append) => this.#insert(trx, record, append))
  }

  async admit(record: SessionRecord, limits: AdmissionLimits): Promise<Admission> {
    return this.#changing(record.session_id, async (trx, append) => {
      // Concurrent admissions (any replica) queue here; SQLite has one writer anyway.
      if (this.#notifies) {
        await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.admission'))`.execute(
          trx,
        )
      }
      const refused = await limitHit(limits, record.user_id, (user) => this.#countLive(trx, user))
      if (refused) return refused
      await this.#insert(trx, record, append)
      return { admitted: true }
    })
  }

  async claim(
    sessionId: string,
    owner: string,
    leaseUntil: string,
    now: string,
  ): Promise<SessionRecord | null> {
    // One conditional UPDATE: of two replicas claiming at once, exactly one sees its row back.
    // A row locked by a replica that hangs mid-transaction is not worth waiting for: held.
    return this.#transaction(async (trx) => {
      if (this.#notifies) await sql`set local lock_timeout = '1s'`.execute(trx)
      return this.#claim(trx, sessionId, owner, leaseUntil, now)
    }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return null
      throw error
    })
  }

  async #claim(
    db: Kysely<Database>,
    sessionId: string,
    owner: string,
    leaseUntil: string,
    now: string,
  ): Promise<SessionRecord | null> {
    const row = await db
      .updateTable('sessions')
      .set({ owner, lease_until: leaseUntil })
      .where('session_id', '=', sessionId)
      .where('status', 'in', CLAIMABLE_STATUSES)
      .where((eb) =>
        eb.or([
          eb('owner', 'is', null),
          eb('owner', '=', owner),
          eb('lease_until', 'is', null),
          eb('lease_until', '<', now),
        ]),
      )
      .returningAll()
      .executeTakeFirst()
    return row ? fromRow(row, this.#secrets) : null
  }

  async renewLeases(owner: string, leaseUntil: string): Promise<string[]> {
    const rows = await this.#db
      .updateTable('sessions')
      .set({ lease_until: leaseUntil })
      .where('owner', '=', owner)
      .where('status', 'in', LIVE_STATUSES)
      .returning('session_id')
      .execute()
    return rows.map((row) => row.session_id)
  }

  async listUnheld(now: string): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', 'in', LIVE_STATUSES),
            eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
          ]),
          eb.and([eb('status', '=', 'suspended'), eb('owner', 'is', null)]),
        ]),
      )
      .orderBy('started_at', 'desc')
      .orderBy('session_id', 'desc')
      .execute()
    return rows.map((row) => fromRow(row, this.#secrets))
  }

  async recordActivity(sessionId: string, at: string): Promise<void> {
    await this.#db
      .updateTable('sessions')
      .set({ last_activity_at: at })
      .where('session_id', '=', sessionId)
      .where('last_activity_at', '<', at)
      .execute()
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst()
    return row ? fromRow(row, this.#secrets) : null
  }

  async update(sessionId: string, patch: Partial<SessionRecord>): Promise<SessionRecord | null> {
    const { session_id: _ignored, ...rest } = patch
    const columns = toColumns(rest, this.#secrets)
    if (Object.values(columns).every((value) => value === undefined)) return this.get(sessionId)
    // One UPDATE … RETURNING, not read-modify-write: replicas sharing PostgreSQL never lose a
    // concurrent change to another column.
    const routing = ROUTING_COLUMNS.some((column) => rest[column] !== undefined)
    const watched = rest.status !== undefined || rest.agent_status !== undefined
    return this.#changing(routing ? sessionId : null, async (trx, append) => {
      // What the row was, for the event log: locked, so no other writer changes it meanwhile.
      const before = watched ? await this.#statusOf(trx, sessionId) : undefined
      const row = await trx
        .updateTable('sessions')
        .set(columns)
        .where('session_id', '=', sessionId)
        .returningAll()
        .executeTakeFirst()
      if (!row) return null
      const updated = fromRow(row, this.#secrets)
      if (rest.tags !== undefined || rest.started_at !== undefined) {
        await this.#writeTags(trx, updated, true)
      }
      const type = before && changeType(before, updated)
      if (type) await append(type, updated)
      return updated
    })
  }

  async #statusOf(trx: Kysely<Database>, sessionId: string) {
    let query = trx
      .selectFrom('sessions')
      .select(['status', 'agent_status'])
      .where('session_id', '=', sessionId)
    if (this.#notifies) query = query.forUpdate()
    const row = await query.executeTakeFirst()
    return row && (row as Pick<SessionRecord, 'status' | 'agent_status'>)
  }

  async search(filter: SessionFilter): Promise<SessionPage> {
    const after = filter.cursor ? decodeCursor(filter.cursor) : null
    const tags = Object.entries(filter.tags ?? {})
    // Which index walks the page order: one user's sessions (few, and most searches are a
    // member's own), else the first tag's rows (see the migration), else all sessions.
    const first = filter.user_id === undefined ? tags[0] : undefined
    const others = first ? tags.slice(1) : tags
    const order = first ? 't' : 'sessions'
    const byTime = sql.ref(`${order}.started_at`)
    const byId = sql.ref(`${order}.session_id`)
    let query = this.#db.selectFrom('sessions').selectAll('sessions')
    if (first) {
      const [key, value] = first
      // `$if` keeps the builder's type, so `t` is named through sql.ref rather than typed.
      query = query.$if(true, (qb) =>
        qb
          .innerJoin('session_tags as t', 't.session_id', 'sessions.session_id')
          .where('t.key', '=', key)
          .where('t.value', '=', value),
      )
    }
    for (const [key, value] of others) {
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('session_tags as other')
            .select('other.key')
            .whereRef('other.session_id', '=', 'sessions.session_id')
            .where('other.key', '=', key)
            .where('other.value', '=', value),
        ),
      )
    }
    if (filter.user_id !== undefined) query = query.where('sessions.user_id', '=', filter.user_id)
    if (filter.statuses !== undefined) {
      // `IN ()` is invalid SQL; no status matches nothing.
      if (filter.statuses.length === 0) return { records: [], next_cursor: null }
      query = query.where('sessions.status', 'in', filter.statuses)
    }
    if (after) {
      // A row-value comparison is what both planners turn into one index range.
      query = query.where(
        sql<boolean>`(${byTime}, ${byId}) < (${after.started_at}, ${after.session_id})`,
      )
    }
    const rows = await query
      .orderBy(byTime, 'desc')
      .orderBy(byId, 'desc')
      .limit(filter.limit + 1)
      .execute()
    const page = rows.slice(0, filter.limit)
    const last = page.at(-1)
    return {
      records: page.map((row) => fromRow(row, this.#secrets)),
      next_cursor: rows.length > filter.limit && last ? encodeCursor(last) : null,
    }
  }

  countLive(userId?: string): Promise<number> {
    return this.#countLive(this.#db, userId)
  }

  async #countLive(db: Kysely<Database>, userId?: string): Promise<number> {
    let query = db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('status', 'in', LIVE_STATUSES)
    if (userId !== undefined) query = query.where('user_id', '=', userId)
    const { count } = await query.executeTakeFirstOrThrow()
    // PostgreSQL's count is a bigint, which pg hands over as a string.
    return Number(count)
  }

  async listLive(): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('status', 'in', LIVE_STATUSES)
      .orderBy('started_at', 'desc')
      .orderBy('session_id', 'desc')
      .execute()
    return rows.map((row) => fromRow(row, this.#secrets))
  }

  async listWithStatus(statuses: readonly SessionStatus[]): Promise<SessionRecord[]> {
    if (statuses.length === 0) return []
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('status', 'in', statuses)
      .orderBy('started_at', 'desc')
      .orderBy('session_id', 'desc')
      .execute()
    return rows.map((row) => fromRow(row, this.#secrets))
  }

  async prune(endedBefore: string): Promise<number> {
    return this.#changing('*', async (trx, append) => {
      const ended = trx
        .selectFrom('sessions')
        .select('session_id')
        .where('status', 'in', ENDED_STATUSES)
        .where('stopped_at', '<', endedBefore)
      await trx.deleteFrom('session_tags').where('session_id', 'in', ended).execute()
      const rows = await trx
        .deleteFrom('sessions')
        .where('status', 'in', ENDED_STATUSES)
        .where('stopped_at', '<', endedBefore)
        .returningAll()
        .execute()
      for (const row of rows) await append('deleted', fromRow(row, this.#secrets))
      return rows.length
    })
  }

  eventsAfter(afterId: number, limit: number): Promise<EventLogPage> {
    return this.#events.after(afterId, limit)
  }

  pruneEvents(before: string): Promise<number> {
    return this.#events.prune(before)
  }

  /**
   * Seals the plaintext environment values of rows written when only secret-looking names were
   * sealed; returns how many rows changed. Run once at open: afterwards no value is in clear.
   */
  async sealPlaintextEnvironments(): Promise<number> {
    const { box } = this.#secrets
    if (!box) return 0
    const rows = await this.#db
      .selectFrom('sessions')
      .select(['session_id', 'environment'])
      .execute()
    let changed = 0
    for (const row of rows) {
      const stored: Record<string, string> = JSON.parse(row.environment)
      if (Object.values(stored).every(isSealed)) continue
      const environment = openEnvironment(stored, box)
      await this.update(row.session_id, { environment })
      changed++
    }
    return changed
  }

  /** A write transaction, not a SELECT: a locked or read-only database still answers reads. */
  async ping(): Promise<void> {
    await this.#checkFile?.()
    const value = new Date().toISOString()
    await this.#db
      .insertInto('store_meta')
      .values({ name: 'ready_probe', value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute()
  }

  async close(): Promise<void> {}

  async #writeTags(
    trx: Kysely<Database>,
    record: Pick<SessionRecord, 'session_id' | 'tags' | 'started_at'>,
    replace: boolean,
  ): Promise<void> {
    const { session_id, started_at } = record
    if (replace) await trx.deleteFrom('session_tags').where('session_id', '=', session_id).execute()
    const rows = Object.entries(record.tags).map(([key, value]) => ({
      session_id,
      key,
      value,
      started_at,
    }))
    if (rows.length > 0) await trx.insertInto('session_tags').values(rows).execute()
  }

  async #insert(trx: Kysely<Database>, record: SessionRecord, append: AppendEvent) {
    await trx.insertInto('sessions').values(toRow(record, this.#secrets)).execute()
    await this.#writeTags(trx, record, false)
    await append('created', record)
  }

  /**
   * Runs `work` in a transaction that tells every replica `change` happened: a NOTIFY inside it
   * on PostgreSQL (delivered at commit, never for a rollback), the feed after commit otherwise.
   */
  async #changing<T>(
    change: SessionChange | null,
    work: (trx: Kysely<Database>, append: AppendEvent) => Promise<T>,
  ): Promise<T> {
    let latestEvent = 0
    const result = await this.#transaction(async (trx) => {
      const value = await work(trx, async (type, record) => {
        latestEvent = await this.#events.append(trx, type, record)
      })
      if (change !== null && this.#notifies && !isRefused(value)) {
        await sql`select pg_notify(${CHANGES_CHANNEL}, ${change})`.execute(trx)
      }
      return value
    })
    if (change !== null && !this.#notifies && !isRefused(result)) this.changes.emit(change)
    if (latestEvent > 0 && !this.#notifies) this.changes.emitEvents(latestEvent)
    return result
  }

  /** Runs `work` in a transaction, or in the caller's when the store was given one. */
  #transaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return work(this.#db)
    return this.#db.transaction().execute((trx: Transaction<Database>) => work(trx))
  }
}

// An admission that was refused, or an update of no row, changed nothing worth telling.
function isRefused(value: unknown): boolean {
  if (value === null) return true
  return typeof value === 'object' && (value as { admitted?: unknown }).admitted === false
}
