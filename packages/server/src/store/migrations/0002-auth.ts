import { type Kysely, type Migration, sql } from 'kysely'
import type { SqlDialectName } from '../database.ts'

/**
 * Managed API keys, pending OAuth states and issued OAuth tokens. Secrets appear only as SHA-256
 * digests, and GitHub's token only sealed. As in 0001, columns that are compared or ordered use
 * the "C" collation on PostgreSQL, so ISO timestamps compare by bytes — which is time order.
 */
export function authMigration(dialect: SqlDialectName): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('prefix', 'text', (col) => col.notNull())
        .addColumn('hash', key, (col) => col.notNull().unique())
        .addColumn('user_id', key, (col) => col.notNull())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('permissions', 'text', (col) => col.notNull())
        .addColumn('created_at', key, (col) => col.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute()
      // A member lists their own keys; an admin's list of everyone's is rare and small.
      await db.schema
        .createIndex('api_keys_user_idx')
        .on('api_keys')
        .columns(['user_id', 'created_at', 'id'])
        .execute()

      await db.schema
        .createTable('oauth_states')
        .addColumn('state_hash', key, (col) => col.primaryKey())
        .addColumn('redirect_uri', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', key, (col) => col.notNull())
        .execute()
      // What each new state's sweep of abandoned sign-ins walks.
      await db.schema
        .createIndex('oauth_states_expiry_idx')
        .on('oauth_states')
        .column('expires_at')
        .execute()

      await db.schema
        .createTable('oauth_tokens')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('family_id', key, (col) => col.notNull())
        .addColumn('access_hash', key, (col) => col.notNull().unique())
        .addColumn('refresh_hash', key, (col) => col.notNull().unique())
        .addColumn('user_id', 'text', (col) => col.notNull())
        .addColumn('login', 'text', (col) => col.notNull())
        .addColumn('name', 'text')
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('permissions', 'text', (col) => col.notNull())
        .addColumn('github_token', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .addColumn('refresh_expires_at', key, (col) => col.notNull())
        .addColumn('revoked_at', 'text')
        .execute()
      // Logout and refresh-token reuse revoke a whole family at once.
      await db.schema
        .createIndex('oauth_tokens_family_idx')
        .on('oauth_tokens')
        .column('family_id')
        .execute()
      // What each new token's sweep of dead sign-ins walks.
      await db.schema
        .createIndex('oauth_tokens_expiry_idx')
        .on('oauth_tokens')
        .column('refresh_expires_at')
        .execute()
    },
  }
}
