import { randomUUID } from 'node:crypto'
import { eventually } from '../../src/testing/eventually.ts'
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts'
import { exchange } from '../raw-socket.ts'

/** A real server with auth on (a member and an admin key) and one active session of the member. */
export interface HostileServer extends TestServer {
  port: number
  session: string
  keys: { member: string; admin: string }
  /** A fetch with the member's key unless `headers` sets another. */
  call(path: string, init?: RequestInit): Promise<Response>
  /** Sends `request` (CRLFs included) on a new socket; resolves with the first response. */
  raw(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }>
}

const MEMBER = ['session:create', 'session:list', 'session:delete', 'session:access']

/**
 * Starts the server as `agentapi-proxy server` would (the echo agent, SQLite in a temp dir),
 * with `extra` config sections, and waits for the member's session to be active.
 */
export async function startHostileServer(
  extra: Record<string, unknown> = {},
): Promise<HostileServer> {
  const keys = { member: `member-${randomUUID()}`, admin: `admin-${randomUUID()}` }
  const api_keys = [
    { key: keys.member, user_id: 'mia', role: 'member', permissions: MEMBER },
    { key: keys.admin, user_id: 'ada', role: 'admin', permissions: ['*'] },
  ]
  const server = await startTestServer({
    auth: { enabled: true, static: { enabled: true, api_keys } },
    ...extra,
  })
  const port = Number(new URL(server.url).port)
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { 'X-API-Key': keys.member, ...init.headers },
    })
  const started = await call('/start', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  })
  const { session_id: session } = (await started.json()) as { session_id: string }
  await eventually(async () => {
    const { status } = (await (await call(`/sessions/${session}`)).json()) as { status: string }
    return status === 'active' ? true : undefined
  }, 20_000)
  const raw = async (request: string) => (await exchange(port, request)).response()
  return { ...server, port, session, keys, call, raw }
}
