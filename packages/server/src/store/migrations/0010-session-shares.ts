import { type Kysely, type Migration, sql } from 'kysely'
import type { SqlDialectName } from '../database.ts'

/**
 * Read-only share links to a session. The token appears only as its SHA-256; compared and
 * ordered columns use the "C" collation on PostgreSQL, as in 0002, so ISO timestamps compare by
 * bytes. No foreign key to `sessions`: a pruned session leaves rows nobody can use (the session
 * lookup fails first), and pruning stays one statement.
 */
export function sessionSharesMigration(dialect: SqlDialectName): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('session_shares')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('session_id', key, (col) => col.notNull())
        .addColumn('prefix', 'text', (col) => col.notNull())
        .addColumn('hash', key, (col) => col.notNull().unique())
        .addColumn('created_by', 'text', (col) => col.notNull())
        .addColumn('created_at', key, (col) => col.notNull())
        .addColumn('expires_at', key, (col) => col.notNull())
        .addColumn('revoked_at', 'text')
        .execute()
      // The owner lists and revokes one session's links.
      await db.schema
        .createIndex('session_shares_session_idx')
        .on('session_shares')
        .columns(['session_id', 'created_at', 'id'])
        .execute()
      // What each new link's sweep of long-expired ones walks.
      await db.schema
        .createIndex('session_shares_expiry_idx')
        .on('session_shares')
        .column('expires_at')
        .execute()
    },
  }
}
