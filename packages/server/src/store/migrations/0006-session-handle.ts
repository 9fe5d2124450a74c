import type { Kysely, Migration } from 'kysely'

/**
 * What any replica needs to route to and take over a session, instead of the local process's
 * details: the agent's URL, the provisioner's opaque handle (JSON), the replica that owns the
 * lifecycle and until when. Existing rows keep their agent: the old pid/port/workdir/log_path
 * become a local provisioner handle and a loopback URL, then those columns go. No owner: the
 * first replica to start claims them.
 */
export function sessionHandleMigration(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their day
    async up(db: Kysely<any>) {
      for (const column of ['agent_url', 'handle', 'owner', 'lease_until']) {
        await db.schema.alterTable('sessions').addColumn(column, 'text').execute()
      }
      const rows = await db
        .selectFrom('sessions')
        .select(['session_id', 'pid', 'port', 'workdir', 'log_path'])
        .where('port', 'is not', null)
        .execute()
      for (const row of rows) {
        const handle =
          row.pid && row.workdir && row.log_path
            ? JSON.stringify({
                pid: row.pid,
                port: row.port,
                workdir: row.workdir,
                log_path: row.log_path,
              })
            : null
        await db
          .updateTable('sessions')
          .set({ agent_url: `http://127.0.0.1:${row.port}`, handle })
          .where('session_id', '=', row.session_id)
          .execute()
      }
      for (const column of ['pid', 'port', 'workdir', 'log_path']) {
        await db.schema.alterTable('sessions').dropColumn(column).execute()
      }
      // Failover looks for live sessions whose lease ran out.
      await db.schema
        .createIndex('sessions_lease_idx')
        .on('sessions')
        .columns(['status', 'lease_until'])
        .execute()
    },
  }
}
