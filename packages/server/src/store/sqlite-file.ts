import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'

/**
 * A check that the SQLite file at `path` is still the one opened: same device and inode. A
 * connection keeps writing to a file that was deleted or replaced (`rm -rf data`), and every
 * such write is lost on the next start, so a SELECT — or even a write — proves nothing.
 *
 * @example
 * const check = sqliteFileCheck('data/proxy.sqlite')
 * await check() // throws once the file is gone
 */
export function sqliteFileCheck(path: string): () => Promise<void> {
  const opened = statSync(path)
  return async () => {
    const now = await stat(path).catch(() => null)
    if (!now || now.dev !== opened.dev || now.ino !== opened.ino) {
      throw new Error('the database file was removed or replaced since the server opened it')
    }
  }
}
