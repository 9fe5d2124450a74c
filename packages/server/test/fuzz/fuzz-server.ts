import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stopGroup } from '../../src/testing/process-group.ts'
import { TempDirs } from '../../src/testing/temp-dir.ts'
import { type ServerProcess, startServerProcess } from '../server-process.ts'
import { ECHO_AGENT } from '../sessions-fixture.ts'

const MEMBER = ['session:create', 'session:list', 'session:delete', 'session:access']

/** A real server in a child process with auth on: one member key, one admin key. */
export interface FuzzServer {
  url: string
  process: ServerProcess
  keys: { member: string; admin: string }
  /** Resolves to an exit code if the server process ends before `stop`. */
  crashed: Promise<number | null>
  stop(): Promise<void>
}

/**
 * Starts the server with the echo agent and session limits low enough that the fuzz's valid
 * starts cannot run more than a handful of agents at once.
 */
export async function startFuzzServer(): Promise<FuzzServer> {
  const dirs = new TempDirs()
  const dir = dirs.make('aap-fuzz-')
  const keys = { member: `member-${randomUUID()}`, admin: `admin-${randomUUID()}` }
  const config = {
    port: 0,
    start_port: 20_000 + Math.floor(Math.random() * 30_000),
    agent: { command: ECHO_AGENT.command },
    auth: {
      enabled: true,
      static: {
        enabled: true,
        api_keys: [
          { key: keys.member, user_id: 'mia', role: 'member', permissions: MEMBER },
          { key: keys.admin, user_id: 'ada', role: 'admin', permissions: ['*'] },
        ],
      },
    },
    persistence: { path: join(dir, 'proxy.sqlite') },
    session: {
      workdir_root: join(dir, 'sessions'),
      home_root: join(dir, 'homes'),
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
      max_sessions: 6,
      max_sessions_per_user: 3,
      max_concurrent_starts: 2,
      stop_grace: 1,
    },
  }
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify(config))
  const server = await startServerProcess(file, { ECHO_AGENT_DELAY_MS: '20' })
  let stopping = false
  const crashed = server.exited.then((code) => (stopping ? new Promise<never>(() => {}) : code))
  const stop = async () => {
    stopping = true
    await stopGroup(server.child, { signal: 'SIGTERM', graceMs: 10_000 })
    await dirs.removeAll()
  }
  return { url: server.url, process: server, keys, crashed, stop }
}
