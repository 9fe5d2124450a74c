import { join } from 'node:path'
import { expect } from 'vitest'
import { alive, ready, sessionStatus, startSession } from '../fault-server.ts'
import type { ServerProcess } from '../server-process.ts'
import type { MountNamespace } from './mount-namespace.ts'
import { storedSessions } from './stored-sessions.ts'

/**
 * A store that refuses writes refuses a start with 503, and a DELETE of `deleted` too: its agent
 * stops, but the store cannot record it, so the workdir is kept (the session would come back if
 * the proxy restarted before the store did) and the DELETE says it is not done.
 */
export async function expectWritesRefused(server: ServerProcess, deleted: string): Promise<void> {
  const refused = await startSession(server.url)
  expect(refused.status).toBe(503)
  expect(refused.headers.get('content-type')).toMatch(/problem\+json/)
  expect(await refused.json()).toMatchObject({ code: 'service_unavailable' })
  const deleting = await fetch(`${server.url}/sessions/${deleted}`, { method: 'DELETE' })
  expect(deleting.status).toBe(503)
  expect(await deleting.json()).toMatchObject({
    code: 'service_unavailable',
    detail: expect.stringMatching(/not recorded it yet/),
  })
}

/**
 * What a server whose store refuses writes must still do: `/ready` 503 naming `error`, `/health`
 * 200, and the running session `kept` readable and reachable through the proxy.
 */
export async function expectServingWithoutStore(
  server: ServerProcess,
  kept: string,
  error: RegExp,
): Promise<void> {
  const during = await ready(server)
  expect(during.status).toBe(503)
  expect(during.body).toMatchObject({ status: 'unavailable', checks: { store: 'error' } })
  expect(JSON.stringify(during.body)).toMatch(error)
  expect((await fetch(`${server.url}/health`)).status).toBe(200)
  expect(await sessionStatus(server.url, kept)).toBe('active')
  expect((await fetch(`${server.url}/${kept}/status`)).status).toBe(200)
  expect(alive(server), server.output()).toBe(true)
}

/**
 * Once the store writes again: the DELETE of `deleted` finishes, a new session starts, and after
 * a graceful stop the SQLite file under `dataDir` (inside `ns`) is whole and holds every session
 * with its last status.
 */
export async function expectWholeAfterRecovery(
  server: ServerProcess,
  ns: MountNamespace,
  dataDir: string,
  { kept, deleted }: { kept: string; deleted: string },
): Promise<void> {
  expect((await fetch(`${server.url}/sessions/${deleted}`, { method: 'DELETE' })).status).toBe(200)
  const started = await startSession(server.url)
  expect(started.status).toBe(201)
  const { session_id: added } = (await started.json()) as { session_id: string }
  server.child.kill('SIGTERM')
  expect(await server.exited).toBe(0)

  const stored = storedSessions(ns.inside(join(dataDir, 'proxy.sqlite')))
  expect(stored.integrity).toBe('ok')
  expect(stored.statuses).toEqual({
    [kept]: 'suspended',
    [deleted]: 'stopped',
    [added]: 'suspended',
  })
}
