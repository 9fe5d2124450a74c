import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'

/** What a stopped server left in its SQLite file. */
export interface StoredSessions {
  /** `pragma integrity_check`: 'ok', or the first problems found. */
  integrity: string
  /** Each session's status, by id. */
  statuses: Record<string, string>
}

/**
 * Checks the SQLite file at `path` (and its WAL) through a copy: SQLite resolves symlinks in a
 * path, so opened as `/proc/<pid>/root/...` it would read this namespace's file, not the
 * mount namespace's the path names.
 */
export function storedSessions(path: string): StoredSessions {
  const dir = mkdtempSync(join(tmpdir(), 'aap-stored-'))
  try {
    const copy = join(dir, 'proxy.sqlite')
    copyFileSync(path, copy)
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`)
    const db = new Database(copy)
    try {
      const { integrity_check: integrity } = db.prepare('pragma integrity_check').get() as {
        integrity_check: string
      }
      const rows = db.prepare('select session_id, status from sessions').all() as {
        session_id: string
        status: string
      }[]
      return { integrity, statuses: Object.fromEntries(rows.map((r) => [r.session_id, r.status])) }
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
