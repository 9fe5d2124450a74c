import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopGroupsUnder } from './process-group.ts'

/**
 * Removes a test's temp dir, first stopping whatever still runs in it (a server started there,
 * or an agent whose server died without stopping it), so nothing outlives the test.
 *
 * @example
 * afterAll(() => removeTempDir(dir))
 */
export async function removeTempDir(dir: string): Promise<void> {
  await stopGroupsUnder(dir)
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
}

/**
 * The temp dirs of a test file: each `make` is a fresh folder under the OS temp dir, and
 * `removeAll` (in an `afterEach`, which runs when an assertion failed too) takes them away.
 *
 * @example
 * const dirs = new TempDirs()
 * afterEach(() => dirs.removeAll())
 * const dir = dirs.make('aap-restore-')
 */
export class TempDirs {
  readonly #dirs: string[] = []

  /** A fresh folder under `base` (the OS temp dir unless told). */
  make(prefix: string, base = tmpdir()): string {
    const dir = mkdtempSync(join(base, prefix))
    this.#dirs.push(dir)
    return dir
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.#dirs.splice(0).map(removeTempDir))
  }
}
