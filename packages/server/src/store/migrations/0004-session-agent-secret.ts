import type { Kysely, Migration } from 'kysely'

/**
 * The per-session secret the proxy adds to every request to the agent, kept so an agent that
 * outlived a proxy restart can still be talked to. Existing rows get null: their agents were
 * started without one and are reached as before.
 */
export function agentSecretMigration(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema.alterTable('sessions').addColumn('agent_secret', 'text').execute()
    },
  }
}
