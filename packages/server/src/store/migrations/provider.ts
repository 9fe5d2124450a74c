import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely'
import type { Database, SqlDialectName } from '../database.ts'
import { sessionsMigration } from './0001-sessions.ts'
import { authMigration } from './0002-auth.ts'
import { ownerRoleMigration } from './0003-session-owner-role.ts'
import { agentSecretMigration } from './0004-session-agent-secret.ts'
import { apiKeyParentMigration } from './0005-api-key-parent.ts'
import { sessionHandleMigration } from './0006-session-handle.ts'
import { mcpServersMigration } from './0007-session-mcp-servers.ts'
import { auditLogMigration } from './0008-audit-log.ts'
import { sessionEventsMigration } from './0009-session-events.ts'
import { sessionSharesMigration } from './0010-session-shares.ts'

/**
 * Every migration, listed in code. Kysely's FileMigrationProvider scans a folder at run time,
 * which breaks once the package is bundled into dist; a static list cannot go missing.
 */
export class StaticMigrationProvider implements MigrationProvider {
  #dialect: SqlDialectName

  constructor(dialect: SqlDialectName) {
    this.#dialect = dialect
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    // Names sort in the order they run; never rename or edit one that has shipped.
    return {
      '0001_sessions': sessionsMigration(this.#dialect),
      '0002_auth': authMigration(this.#dialect),
      '0003_session_owner_role': ownerRoleMigration(),
      '0004_session_agent_secret': agentSecretMigration(),
      '0005_api_key_parent': apiKeyParentMigration(this.#dialect),
      '0006_session_handle': sessionHandleMigration(),
      '0007_session_mcp_servers': mcpServersMigration(),
      '0008_audit_log': auditLogMigration(this.#dialect),
      '0009_session_events': sessionEventsMigration(this.#dialect),
      '0010_session_shares': sessionSharesMigration(this.#dialect),
    }
  }
}

/** Brings the schema up to date, or throws the first migration's error. */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialectName,
): Promise<void> {
  // Kysely looks for its lock table in every schema unless told which: another schema of the
  // same PostgreSQL database holding one would make it skip creating ours, and fail.
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]
          ?.schema
      : undefined
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    throw new Error(`Database migration ${failed ?? ''} failed: ${String(error)}`, { cause: error })
  }
}
