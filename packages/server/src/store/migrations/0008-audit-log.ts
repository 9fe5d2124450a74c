import { type Kysely, type Migration, sql } from 'kysely'
import type { SqlDialectName } from '../database.ts'

/**
 * The audit log: one row per audited action, appended and never updated. Ordered and compared
 * columns use the "C" collation on PostgreSQL, as in 0001, so ISO timestamps compare by bytes.
 * The indexes serve `GET /audit`'s newest-first pages: all entries, one user's, one action's.
 */
export function auditLogMigration(dialect: SqlDialectName): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('at', key, (col) => col.notNull())
        .addColumn('action', key, (col) => col.notNull())
        .addColumn('user_id', key, (col) => col.notNull())
        .addColumn('auth_method', 'text', (col) => col.notNull())
        .addColumn('target', 'text')
        .addColumn('source', 'text')
        .addColumn('request_id', 'text')
        .execute()
      await db.schema
        .createIndex('audit_log_at_idx')
        .on('audit_log')
        .columns(['at', 'id'])
        .execute()
      await db.schema
        .createIndex('audit_log_user_idx')
        .on('audit_log')
        .columns(['user_id', 'at', 'id'])
        .execute()
      await db.schema
        .createIndex('audit_log_action_idx')
        .on('audit_log')
        .columns(['action', 'at', 'id'])
        .execute()
    },
  }
}
