import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

/**
 * Wraps a libsql connection for Kysely so that a statement that fails is finalized soon after.
 *
 * Why: libsql 0.5.29 leaves a statement whose step failed (SQLITE_BUSY while another process
 * holds the write lock) un-reset, and it exposes no reset or finalize; it is finalized only when
 * the garbage collector frees it. Until then SQLite counts it as running, so every later COMMIT
 * on the connection fails "cannot commit transaction - SQL statements in progress" and the store
 * never recovers from a lock that is long gone (an idle server may not collect for hours).
 * Measured here: after the lock is released, BEGIN/UPDATE/COMMIT failed until a collection ran,
 * and worked right after one. So after a failure, once the failed statement is unreachable, the
 * wrapper asks V8 for a collection; a failure is rare, and one collection is cheap beside it.
 *
 * And a ROLLBACK with no transaction open does nothing instead of failing: SQLite rolls a
 * transaction back by itself on some errors (SQLITE_FULL on a full disk, SQLITE_IOERR), and
 * the ROLLBACK Kysely then sends failed "cannot rollback - no transaction is active" — an
 * SQLITE_ERROR that replaced the error saying why, in the logs and on `/ready`.
 *
 * @example
 * new SqliteDialect({ database: releasingFailedStatements(new SQLite(path)) })
 */
export function releasingFailedStatements(
  database: SqliteDatabase & { readonly inTransaction: boolean },
): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sql) =>
      ROLLBACK.test(sql) && !database.inTransaction
        ? NOTHING_TO_ROLL_BACK
        : releasing(database.prepare(sql)),
  }
}

// Kysely's own, not `rollback to <savepoint>`, which fails rightly when the savepoint is gone.
const ROLLBACK = /^\s*rollback\s*;?\s*$/i

const NOTHING_TO_ROLL_BACK: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
}

function releasing(statement: SqliteStatement): SqliteStatement {
  const guard =
    <A extends unknown[], R>(run: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return run(...args)
      } catch (error) {
        setImmediate(collectGarbage)
        throw error
      }
    }
  return {
    reader: statement.reader,
    all: guard((parameters) => statement.all(parameters)),
    run: guard((parameters) => statement.run(parameters)),
    iterate: guard((parameters) => statement.iterate(parameters)),
  }
}

let gc: (() => void) | undefined

function collectGarbage(): void {
  if (!gc) {
    // `gc` is only exposed by a flag; set at run time, it is visible to contexts made after it.
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
}
