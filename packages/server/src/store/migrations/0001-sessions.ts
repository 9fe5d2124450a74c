import { type Kysely, type Migration, sql } from 'kysely'
import type { SqlDialectName } from '../database.ts'

/**
 * Sessions, their tags and the store's own facts. On PostgreSQL the columns that order and page
 * results use the "C" collation, so rows sort by bytes exactly as SQLite and the in-memory store
 * sort them, whatever the database's locale.
 */
export function sessionsMigration(dialect: SqlDialectName): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sessions')
        .addColumn('session_id', key, (col) => col.primaryKey())
        .addColumn('user_id', key, (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('agent_status', 'text')
        .addColumn('agent', 'text', (col) => col.notNull())
        .addColumn('agent_type', 'text', (col) => col.notNull())
        .addColumn('repository', 'text')
        .addColumn('tags', 'text', (col) => col.notNull())
        .addColumn('environment', 'text', (col) => col.notNull())
        .addColumn('initial_message', 'text')
        .addColumn('initial_message_sent', 'integer', (col) => col.notNull())
        .addColumn('port', 'integer')
        .addColumn('pid', 'integer')
        .addColumn('workdir', 'text')
        .addColumn('log_path', 'text')
        .addColumn('started_at', key, (col) => col.notNull())
        .addColumn('last_activity_at', 'text', (col) => col.notNull())
        .addColumn('stopped_at', 'text')
        .addColumn('exit_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('log_tail', 'text', (col) => col.notNull())
        .execute()
      // One index per /search shape: all sessions, one user's, one status's (also what
      // countLive/listLive read), one user's in one status; each ends in the page order so
      // LIMIT stops early instead of sorting.
      await db.schema
        .createIndex('sessions_order_idx')
        .on('sessions')
        .columns(['started_at', 'session_id'])
        .execute()
      await db.schema
        .createIndex('sessions_user_idx')
        .on('sessions')
        .columns(['user_id', 'started_at', 'session_id'])
        .execute()
      await db.schema
        .createIndex('sessions_status_idx')
        .on('sessions')
        .columns(['status', 'started_at', 'session_id'])
        .execute()
      await db.schema
        .createIndex('sessions_user_status_idx')
        .on('sessions')
        .columns(['user_id', 'status', 'started_at', 'session_id'])
        .execute()

      await db.schema
        .createTable('session_tags')
        .addColumn('session_id', key, (col) =>
          col.notNull().references('sessions.session_id').onDelete('cascade'),
        )
        .addColumn('key', 'text', (col) => col.notNull())
        .addColumn('value', 'text', (col) => col.notNull())
        .addColumn('started_at', key, (col) => col.notNull())
        .addPrimaryKeyConstraint('session_tags_pk', ['session_id', 'key'])
        .execute()
      // The session's start time is copied here so a tag filter walks this index already in page
      // order and stops after one page, however many sessions carry the tag.
      await db.schema
        .createIndex('session_tags_lookup_idx')
        .on('session_tags')
        .columns(['key', 'value', 'started_at', 'session_id'])
        .execute()

      await db.schema
        .createTable('store_meta')
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .execute()
    },
  }
}
