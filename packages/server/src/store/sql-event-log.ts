import type { SessionChangeEvent, SessionChangeType } from '@agentapi-proxy/shared'
import { type Kysely, sql } from 'kysely'
import type { Database } from './database.ts'
import { type EventLogPage, eventOf } from './event-log.ts'
import type { SessionRecord } from './session-record.ts'

/** The PostgreSQL channel that says the event log grew; the payload is the newest id. */
export const EVENTS_CHANNEL = 'agentapi_proxy_session_events'

/** Options for {@link SqlEventLog}. */
export interface SqlEventLogOptions {
  /** PostgreSQL: serialize appends and NOTIFY every replica (see `append`). */
  postgres: boolean
  /** How many events are kept. */
  limit: number
}

/**
 * The `session_events` table, written inside the session store's transactions.
 *
 * @example
 * const id = await log.append(trx, 'status', record)
 */
export class SqlEventLog {
  readonly #db: Kysely<Database>
  readonly #options: SqlEventLogOptions

  constructor(db: Kysely<Database>, options: SqlEventLogOptions) {
    this.#db = db
    this.#options = options
  }

  /**
   * Appends one event in `trx` and returns its id. On PostgreSQL a sequence hands out ids in
   * the order transactions ask, not the order they commit: a reader could see 6 before 5
   * commits and skip 5 for good. A transaction lock taken before the id is drawn and held to
   * the commit makes the two orders one. It is the last lock any writer takes, so it cannot
   * close a cycle; the NOTIFY is delivered at commit, never for a rollback.
   */
  async append(trx: Kysely<Database>, type: SessionChangeType, record: SessionRecord) {
    const { postgres, limit } = this.#options
    if (postgres) {
      await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.session_events'))`.execute(
        trx,
      )
    }
    const event = eventOf(type, record)
    const { id } = await trx
      .insertInto('session_events')
      .values({
        at: event.at,
        session_id: record.session_id,
        user_id: record.user_id,
        type,
        summary: JSON.stringify(event.session),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const appended = Number(id)
    // The window by count: one range delete on the primary key, usually of one row.
    await trx
      .deleteFrom('session_events')
      .where('id', '<=', appended - limit)
      .execute()
    if (postgres) await sql`select pg_notify(${EVENTS_CHANNEL}, ${String(appended)})`.execute(trx)
    return appended
  }

  async after(afterId: number, limit: number): Promise<EventLogPage> {
    const rows = await this.#db
      .selectFrom('session_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute()
    const bounds = await this.#db
      .selectFrom('session_events')
      .select((eb) => [eb.fn.min('id').as('first'), eb.fn.max('id').as('latest')])
      .executeTakeFirstOrThrow()
    return {
      events: rows.map(toEvent),
      first_id: bounds.first === null ? null : Number(bounds.first),
      latest_id: bounds.latest === null ? 0 : Number(bounds.latest),
    }
  }

  async prune(before: string): Promise<number> {
    const newest = this.#db.selectFrom('session_events').select((eb) => eb.fn.max('id').as('id'))
    const result = await this.#db
      .deleteFrom('session_events')
      .where('at', '<', before)
      .where('id', '<', newest)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}

function toEvent(row: {
  id: number | string
  at: string
  type: string
  summary: string
}): SessionChangeEvent {
  return {
    id: Number(row.id),
    type: row.type as SessionChangeType,
    at: row.at,
    session: JSON.parse(row.summary),
  }
}
