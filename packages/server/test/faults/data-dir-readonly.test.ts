import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../src/testing/eventually.ts'
import {
  activeSessions,
  faultSetup,
  sessionStatus,
  startFaultServer,
  stopAll,
  untilReady,
} from '../fault-server.ts'
import {
  ext4Image,
  mountNamespace,
  mountsUnavailable,
  skipWithoutMounts,
} from './mount-namespace.ts'
import {
  expectServingWithoutStore,
  expectWholeAfterRecovery,
  expectWritesRefused,
} from './store-down.ts'

const cannotMount = mountsUnavailable({ loop: true })
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** e2fsck's exit status: 1 means it corrected errors (the one reported), more is trouble. */
function fsck(image: string): number {
  try {
    execFileSync('e2fsck', ['-fy', image], { stdio: 'pipe' })
    return 0
  } catch (error) {
    return (error as { status: number }).status
  }
}

// A data dir cannot be made read-only under a server that has its SQLite files open for
// writing: `mount -o remount,ro` is refused (EBUSY), and a read-only bind mount over it leaves
// the open files writable. What does it for real is the kernel, when the disk fails: ext4 with
// errors=remount-ro turns read-only at once, and open files with it. The data dir here is such
// a filesystem on a loop device, and the test reports an error to it through sysfs. It stays
// read-only until it is unmounted and checked, so recovery is a restart, as it would be.
describe('the data directory turned read-only while serving', () => {
  it.skipIf(skipWithoutMounts(cannotMount))(
    'writes are refused with 503, /ready names the store, and after fsck a restart has every session',
    async () => {
      const setup = faultSetup((dir) => ({ path: join(dir, 'data', 'proxy.sqlite') }), {
        session: { sandbox: 'none' },
      })
      cleanups.push(() => stopAll(setup))
      const dataDir = join(setup.dir, 'data')
      const image = join(setup.dir, 'data.img')
      ext4Image(image, 16)
      const mount = `mount -o loop,errors=remount-ro ${image} ${dataDir}`
      const ns = await mountNamespace(`mkdir -p ${dataDir} && ${mount}`)
      cleanups.push(() => ns.stop())
      const server = await startFaultServer(setup, { prefix: ns.prefix })
      const [kept, deleted] = await activeSessions(server, 2)
      if (!kept || !deleted) throw new Error('sessions did not start')
      // On disk before the disk fails: with synchronous=NORMAL, a commit outlives the process,
      // not the machine, and a failed disk is the machine.
      ns.run(['sync'])

      const device = basename(ns.deviceAt(dataDir))
      writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, 'agentapi-proxy fault test')

      await expectWritesRefused(server, deleted)
      await expectServingWithoutStore(server, kept, /SQLITE_IOERR/)
      // A graceful stop still stops everything and exits cleanly, with what it could not write
      // logged.
      server.child.kill('SIGTERM')
      expect(await server.exited, server.output()).toBe(0)
      expect(server.output()).toMatch(/stopped with session updates the store never accepted/)

      // What an operator does: unmount, check, mount again, start the proxy.
      const repairing = Date.now()
      expect(ns.run(['umount', dataDir])).toBe(0)
      expect(fsck(image)).toBeLessThanOrEqual(1)
      expect(ns.run(['sh', '-c', mount])).toBe(0)
      const again = await startFaultServer(setup, { prefix: ns.prefix })
      await untilReady(again, 200)
      const readyAfterMs = Date.now() - repairing

      // Both sessions are back (the stop never reached the disk), each in its own workdir.
      for (const id of [kept, deleted]) {
        await eventually(
          async () => ((await sessionStatus(again.url, id)) === 'active' ? true : undefined),
          30_000,
        )
      }
      await expectWholeAfterRecovery(again, ns, dataDir, { kept, deleted })
      console.info(`data-dir-readonly: /ready 200 ${readyAfterMs} ms after the repair began`)
    },
    180_000,
  )
})
