import type { AuditAction, AuditEntry } from '@agentapi-proxy/shared'
import type { Kysely } from 'kysely'
import type { AuditFilter, AuditStore } from '../audit/audit-store.ts'
import type { AuditLogTable, Database } from './database.ts'

/**
 * The audit log in SQL (SQLite or PostgreSQL), behaving as {@link MemoryAuditStore}. The store
 * does not own `db`.
 *
 * @example
 * const audit = new AuditLog({ store: new SqlAuditStore(db), logger })
 */
export class SqlAuditStore implements AuditStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.#db.insertInto('audit_log').values(entry).execute()
  }

  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    let query = this.#db.selectFrom('audit_log').selectAll()
    if (filter.user_id !== undefined) query = query.where('user_id', '=', filter.user_id)
    if (filter.action !== undefined) query = query.where('action', '=', filter.action)
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since)
    if (filter.until !== undefined) query = query.where('at', '<', filter.until)
    const { after } = filter
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('at', '<', after.at),
          eb.and([eb('at', '=', after.at), eb('id', '<', after.id)]),
        ]),
      )
    }
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute()
    return rows.map(fromRow)
  }

  async prune(before: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('audit_log')
      .where('at', '<', before)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}

function fromRow(row: AuditLogTable): AuditEntry {
  return {
    ...row,
    action: row.action as AuditAction,
    auth_method: row.auth_method as AuditEntry['auth_method'],
  }
}
