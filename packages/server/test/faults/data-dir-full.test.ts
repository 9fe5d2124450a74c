import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../../src/testing/eventually.ts'
import {
  activeSessions,
  alive,
  type FaultSetup,
  faultSetup,
  ready,
  sessionStatus,
  startFaultServer,
  startSession,
  stopAll,
  untilReady,
} from '../fault-server.ts'
import {
  type MountNamespace,
  mountNamespace,
  mountsUnavailable,
  skipWithoutMounts,
} from './mount-namespace.ts'
import {
  expectServingWithoutStore,
  expectWholeAfterRecovery,
  expectWritesRefused,
} from './store-down.ts'

const cannotMount = mountsUnavailable()
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A server whose `folder` (`data` or `sessions`) is a small tmpfs in a mount namespace. */
async function serverOnTmpfs(folder: 'data' | 'sessions', megabytes: number) {
  const setup: FaultSetup = faultSetup((dir) => ({ path: join(dir, 'data', 'proxy.sqlite') }), {
    session: { sandbox: 'none' },
  })
  cleanups.push(() => stopAll(setup))
  const dir = join(setup.dir, folder)
  const ns: MountNamespace = await mountNamespace(
    `mkdir -p ${dir} && mount -t tmpfs -o size=${megabytes}m tmpfs ${dir}`,
  )
  // After the setup: its servers stop (gracefully, through the mount) before the holder goes.
  cleanups.push(() => ns.stop())
  const server = await startFaultServer(setup, { prefix: ns.prefix })
  return { setup, ns, dir, server }
}

describe('the data directory full while serving', () => {
  it.skipIf(skipWithoutMounts(cannotMount))(
    'writes are refused with 503, /ready names the store, and everything lands once space is freed',
    async () => {
      const { ns, dir: dataDir, server } = await serverOnTmpfs('data', 8)
      const [kept, deleted] = await activeSessions(server, 2)
      if (!kept || !deleted) throw new Error('sessions did not start')

      // dd stops at ENOSPC, which is the point: its status says nothing.
      ns.run(['dd', 'if=/dev/zero', `of=${dataDir}/filler`, 'bs=64k'])

      await expectWritesRefused(server, deleted)
      // Reads still work, and show the stop that waits for the store.
      await expectServingWithoutStore(server, kept, /SQLITE_FULL/)
      expect(await sessionStatus(server.url, deleted)).toBe('stopped')

      const freed = Date.now()
      ns.run(['rm', `${dataDir}/filler`])
      await untilReady(server, 200)
      const readyAfterMs = Date.now() - freed

      // The file as the next start finds it: whole, with every session and its last status.
      await expectWholeAfterRecovery(server, ns, dataDir, { kept, deleted })
      console.info(`data-dir-full: /ready 200 ${readyAfterMs} ms after the filler was removed`)
    },
    180_000,
  )
})

// Agents' workdirs and logs live under session.workdir_root, often on another disk than the
// data dir: that one full is the agents' problem, not the store's.
describe('the workdir root full while serving', () => {
  it.skipIf(skipWithoutMounts(cannotMount))(
    'a new session fails with a reason, the running ones go on, and the proxy stays ready',
    async () => {
      const { ns, dir: root, server } = await serverOnTmpfs('sessions', 4)
      const [running] = await activeSessions(server, 1)
      if (!running) throw new Error('the session did not start')
      ns.run(['dd', 'if=/dev/zero', `of=${root}/filler`, 'bs=64k'])

      const started = await startSession(server.url)
      expect(started.status).toBe(201)
      const { session_id: id } = (await started.json()) as { session_id: string }
      // The agent's output has nowhere to go: it ends during start-up. Its log, on the full
      // disk, is empty, so the proxy says why.
      const failed = await eventually(async () => {
        const s = await (await fetch(`${server.url}/sessions/${id}`)).json()
        return s.status === 'failed'
          ? (s as { error: string; exit_code: number | null })
          : undefined
      }, 60_000)
      expect(failed.error).toMatch(
        /^The agent could not start: no space left on the disk that holds its workdir/,
      )
      expect((await fetch(`${server.url}/${running}/status`)).status).toBe(200)
      expect(await sessionStatus(server.url, running)).toBe('active')
      expect((await ready(server)).status).toBe(200)
      expect(alive(server)).toBe(true)
    },
    120_000,
  )
})
