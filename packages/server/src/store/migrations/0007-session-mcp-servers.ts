import type { Kysely, Migration } from 'kysely'

/**
 * The MCP servers a session's agent is given (JSON, secret values sealed), kept so a restart
 * writes the same config. Existing rows had none.
 */
export function mcpServersMigration(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('sessions')
        .addColumn('mcp_servers', 'text', (col) => col.notNull().defaultTo('{}'))
        .execute()
    },
  }
}
