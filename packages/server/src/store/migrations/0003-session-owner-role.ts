import type { Kysely, Migration } from 'kysely'

/**
 * The owner's role at start, so a session restarted after the proxy came back gets the same
 * role env file. Existing rows get null: they restart without one, as before.
 */
export function ownerRoleMigration(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      await db.schema.alterTable('sessions').addColumn('owner_role', 'text').execute()
    },
  }
}
