import { Kysely, SqliteDialect, sql } from 'kysely'
import SQLite from 'libsql'
import { describe, expect, it } from 'vitest'
import { releasingFailedStatements } from './failed-statements.ts'

describe('releasingFailedStatements', () => {
  // SQLite rolls the transaction back by itself on SQLITE_FULL; max_page_count makes the
  // database full without a full disk (test/faults/data-dir-full.test.ts fills a real one).
  it('a transaction that fills the database fails with SQLITE_FULL, not with its rollback', async () => {
    const database = new SQLite(':memory:')
    database.exec('create table t (x text)')
    database.exec('pragma max_page_count = 3')
    const db = new Kysely<{ t: { x: string } }>({
      dialect: new SqliteDialect({ database: releasingFailedStatements(database) }),
    })
    try {
      const fill = db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++)
          await trx
            .insertInto('t')
            .values({ x: 'x'.repeat(2000) })
            .execute()
      })
      await expect(fill).rejects.toMatchObject({ code: 'SQLITE_FULL' })
      // The connection is usable again, and a rollback that has something to undo still does.
      database.exec('pragma max_page_count = 1000')
      const undone = db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ x: 'kept?' }).execute()
        throw new Error('changed my mind')
      })
      await expect(undone).rejects.toThrow('changed my mind')
      const { count } = (await sql<{ count: number }>`select count(*) as count from t`.execute(db))
        .rows[0] as { count: number }
      expect(count).toBe(0)
    } finally {
      await db.destroy()
    }
  })
})
