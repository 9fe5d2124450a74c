import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eventually } from '../src/testing/eventually.ts'
import { stopGroup } from '../src/testing/process-group.ts'
import { removeTempDir } from '../src/testing/temp-dir.ts'
import { type ServerProcess, startServerProcess } from './server-process.ts'

/** A server process with its config in a temp dir, for tests that break its store under it. */
export interface FaultSetup {
  dir: string
  configFile: string
  /** Every process started from this setup, stopped by {@link stopAll}. */
  started: ServerProcess[]
}

/**
 * Writes a config (echo agent, sessions under `dir/sessions`) with `persistence` as given, and
 * `more` over it: top-level sections, and `session` fields merged into the session section.
 */
export function faultSetup(
  persistence: (dir: string) => Record<string, unknown>,
  more: { session?: Record<string, unknown>; [section: string]: unknown } = {},
): FaultSetup {
  const dir = mkdtempSync(join(tmpdir(), 'aap-store-faults-'))
  const configFile = join(dir, 'config.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      port: 0,
      start_port: 20_000 + Math.floor(Math.random() * 30_000),
      persistence: persistence(dir),
      ...more,
      session: {
        workdir_root: join(dir, 'sessions'),
        // Not `data/homes` under the cwd, which would outlive the test.
        home_root: join(dir, 'homes'),
        inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS'],
        ...more.session,
      },
    }),
  )
  return { dir, configFile, started: [] }
}

/**
 * Starts the server of `setup` in its own process group, with `env` over the usual, and through
 * `prefix` (a command that runs the server, e.g. in a mount namespace) when given.
 */
export async function startFaultServer(
  setup: FaultSetup,
  { env = {}, prefix = [] }: { env?: NodeJS.ProcessEnv; prefix?: readonly string[] } = {},
): Promise<ServerProcess> {
  const server = await startServerProcess(
    setup.configFile,
    { ECHO_AGENT_DELAY_MS: '20', ...env },
    prefix,
  )
  setup.started.push(server)
  return server
}

/**
 * Stops each server gracefully (which stops its agents), SIGKILLs its group if it does not stop,
 * and removes the setup's dir, killing first what a crashed server left running in it.
 */
export async function stopAll(setup: FaultSetup): Promise<void> {
  for (const server of setup.started.splice(0)) {
    await stopGroup(server.child, { signal: 'SIGTERM', graceMs: 20_000 })
  }
  await removeTempDir(setup.dir)
}

/** `/ready`'s status and body. */
export async function ready(server: ServerProcess) {
  const res = await fetch(`${server.url}/ready`, { signal: AbortSignal.timeout(20_000) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Polls `/ready` until it answers `status`. */
export function untilReady(server: ServerProcess, status: number, timeoutMs = 30_000) {
  return eventually(async () => {
    const answer = await ready(server)
    return answer.status === status ? answer : undefined
  }, timeoutMs)
}

/** `POST /start` with an empty body to the server at `url`; the caller reads the answer. */
export function startSession(url: string): Promise<Response> {
  return fetch(`${url}/start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  })
}

/** The status `GET /sessions/:id` reports for `id`. */
export async function sessionStatus(url: string, id: string): Promise<string> {
  const res = await fetch(`${url}/sessions/${id}`, { signal: AbortSignal.timeout(20_000) })
  return ((await res.json()) as { status: string }).status
}

/** Starts `count` sessions and waits until every one is active; returns their ids. */
export async function activeSessions(server: ServerProcess, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.url}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tags: { n: String(i) } }),
    })
    ids.push(((await res.json()) as { session_id: string }).session_id)
  }
  for (const id of ids) {
    await eventually(
      async () => ((await sessionStatus(server.url, id)) === 'active' ? true : undefined),
      20_000,
    )
  }
  return ids
}

/** Proxied requests to `id` for `ms` (each one stamps the session's activity). */
export async function proxiedTraffic(server: ServerProcess, id: string, ms: number) {
  const until = Date.now() + ms
  let answered = 0
  while (Date.now() < until && server.child.exitCode === null) {
    const res = await fetch(`${server.url}/${id}/status`, {
      signal: AbortSignal.timeout(20_000),
    }).catch(() => null)
    if (res?.ok) answered++
    await res?.body?.cancel()
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return answered
}

/** Whether the process still runs: it has neither exited nor been killed. */
export function alive(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null
}
