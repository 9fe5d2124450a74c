import { type Kysely, type Migration, sql } from 'kysely'
import type { SqlDialectName } from '../database.ts'

/**
 * The session event log behind `GET /sessions/events`: the store numbers each change as it
 * commits it, so every replica reads the same changes in the same order, and a client can
 * resume from an id. SQLite's AUTOINCREMENT (unlike a plain rowid) never reuses the id of a
 * pruned row; PostgreSQL's sequence never does either.
 */
export function sessionEventsMigration(dialect: SqlDialectName): Migration {
  const time = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('session_events')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (col) =>
          dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement(),
        )
        .addColumn('at', time, (col) => col.notNull())
        .addColumn('session_id', 'text', (col) => col.notNull())
        .addColumn('user_id', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('summary', 'text', (col) => col.notNull())
        .execute()
    },
  }
}
