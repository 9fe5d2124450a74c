import { type Kysely, type Migration, sql } from 'kysely'
import type { SqlDialectName } from '../database.ts'

/**
 * Who minted each API key, so revoking a key revokes what it minted and a key never outlives
 * its creator. Existing rows get null: they were minted before parents were recorded, and keep
 * working as before. The index serves the walk down from a revoked key to its children.
 */
export function apiKeyParentMigration(dialect: SqlDialectName): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema.alterTable('api_keys').addColumn('created_by', key).execute()
      await db.schema
        .createIndex('api_keys_created_by_idx')
        .on('api_keys')
        .column('created_by')
        .execute()
    },
  }
}
