// Issue 19 items 2 and 11, through a real server process, real agents and real sockets.
// Reproduction on the old code: start a session, then `ss -ltn` shows `*:<port>` and
// `curl http://127.0.0.1:<port>/messages` (the port from /search) returns the conversation;
// `kill -9 <agent pid>` then gives "exited by itself with code unknown" and a 404 on /<id>/status.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, describe, expect, it } from 'vitest'
import { type ServerProcess, startServerProcess } from '../../test/server-process.ts'
import { eventually } from '../../test/sessions-fixture.ts'
import { echoAgentCommand } from '../provisioners/agent-command.ts'
import { processesUnder } from '../provisioners/process-table.ts'
import { loadEncryptionKey } from '../secrets/encryption-key.ts'
import { SecretBox } from '../secrets/secret-box.ts'
import { AGENT_SECRET_HEADER } from './contract.ts'

const ALICE = 'alice-key-0123456789abcdef'
const BOB = 'bob-key-0123456789abcdef'

interface Setup {
  dir: string
  workdirRoot: string
  database: string
  configFile: string
  server: ServerProcess
}

const setups: Setup[] = []
afterEach(async () => {
  for (const s of setups.splice(0)) {
    if (s.server.child.exitCode === null && s.server.child.signalCode === null) {
      s.server.child.kill('SIGTERM')
      await s.server.exited
    }
    rmSync(s.dir, { recursive: true, force: true })
  }
})

async function serve(agent: Record<string, unknown> = {}): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'aap-agent-port-'))
  const workdirRoot = join(dir, 'sessions')
  const database = join(dir, 'proxy.sqlite')
  const configFile = join(dir, 'config.json')
  const key = (k: string, user: string) => ({
    key: k,
    user_id: user,
    role: 'member',
    permissions: ['*'],
  })
  writeFileSync(
    configFile,
    JSON.stringify({
      port: 0,
      start_port: 20_000 + Math.floor(Math.random() * 30_000),
      auth: {
        enabled: true,
        static: { enabled: true, api_keys: [key(ALICE, 'alice'), key(BOB, 'bob')] },
      },
      persistence: { path: database },
      agent,
      session: { workdir_root: workdirRoot, inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS'] },
    }),
  )
  const server = await startServerProcess(configFile, { ECHO_AGENT_DELAY_MS: '20' })
  const setup = { dir, workdirRoot, database, configFile, server }
  setups.push(setup)
  return setup
}

const as = (key: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { 'X-API-Key': key, 'Content-Type': 'application/json', ...init.headers },
})

interface Started {
  id: string
  port: number
  pid: number
  secret: string
}

async function startSession(s: Setup): Promise<Started> {
  const res = await fetch(`${s.server.url}/start`, as(ALICE, { method: 'POST', body: '{}' }))
  const { session_id: id } = (await res.json()) as { session_id: string }
  await eventually(async () => {
    const proxied = await fetch(`${s.server.url}/${id}/status`, as(ALICE))
    return proxied.ok && (await proxied.json()).status === 'stable' ? true : undefined
  }, 20_000)
  const search = await (await fetch(`${s.server.url}/search`, as(ALICE))).json()
  const port = search.sessions.find((x: { session_id: string }) => x.session_id === id).port
  const db = new Database(s.database)
  const row = db
    .prepare('select handle, agent_secret from sessions where session_id = ?')
    .get(id) as {
    handle: string
    agent_secret: string
  }
  db.close()
  // Sealed at rest like the other secrets of a session.
  expect(String(row.agent_secret)).toMatch(/^enc:v1:/)
  const { key } = await loadEncryptionKey({ env: {}, dataDir: s.dir })
  const { pid } = JSON.parse(row.handle) as { pid: number }
  return { id, port, pid, secret: new SecretBox(key).open(String(row.agent_secret)) }
}

/** The secret is in no answer of the API and in no log. */
async function expectUnseen(s: Setup, { id, secret }: Started) {
  const views = await Promise.all(
    [`/sessions/${id}`, `/search`, `/sessions/${id}/logs`].map(async (path) =>
      (await fetch(`${s.server.url}${path}`, as(ALICE))).text(),
    ),
  )
  const log = readFileSync(join(s.workdirRoot, '.logs', `${id}.log`), 'utf8')
  for (const text of [...views, log, s.server.output()]) expect(text).not.toContain(secret)
}

/** The local addresses listening on `port`, from /proc/net/tcp{,6} (`0100007F` is 127.0.0.1). */
function listeners(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hex}`))
      .map((f) => (f[1] as string).split(':')[0] as string),
  )
}

// Gone, or a zombie that only waits for init to reap it (this container's init may not).
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

function refusedOn(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

async function expectGuarded(s: Setup, id: string, port: number) {
  // `curl http://127.0.0.1:<port>/messages`, straight to the agent, without the secret.
  const direct = await fetch(`http://127.0.0.1:${port}/messages`)
  expect(direct.status).toBe(401)
  expect(await direct.text()).not.toContain('messages')
  const injected = await fetch(`http://127.0.0.1:${port}/message`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [AGENT_SECRET_HEADER]: 'guessed' },
    body: JSON.stringify({ content: 'injected', type: 'user' }),
  })
  expect(injected.status).toBe(401)
  // Through the proxy it works, and a secret the caller sends is replaced, not passed on.
  const sent = await fetch(
    `${s.server.url}/${id}/message`,
    as(ALICE, {
      method: 'POST',
      headers: { [AGENT_SECRET_HEADER]: 'guessed' },
      body: JSON.stringify({ content: 'through the proxy', type: 'user' }),
    }),
  )
  expect(sent.status).toBe(200)
  const { messages } = await (await fetch(`${s.server.url}/${id}/messages`, as(ALICE))).json()
  const texts = messages.map((m: { content: string }) => m.content)
  expect(texts).toContain('through the proxy')
  expect(texts.join('\n')).not.toContain('injected')
  // Listening on loopback only: not on 0.0.0.0/::, and refused on this machine's other addresses.
  expect(listeners(port)).toEqual(['0100007F'])
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)
  if (external) expect(await refusedOn(external.address, port)).toBe(true)
}

async function killedAgentAnswers(s: Setup, id: string, pid: number) {
  process.kill(pid, 'SIGKILL')
  const failed = await eventually(async () => {
    const res = await (await fetch(`${s.server.url}/sessions/${id}`, as(ALICE))).json()
    return res.status === 'failed' ? res : undefined
  })
  expect(failed.error).toBe('The agent was killed by SIGKILL')
  const status = await fetch(`${s.server.url}/${id}/status`, as(ALICE))
  expect(status.status).toBe(410)
  expect(status.headers.get('content-type')).toBe('application/problem+json')
  const problem = await status.json()
  expect(problem).toMatchObject({ code: 'session_ended', status: 410, session_status: 'failed' })
  expect(problem.detail).toContain('killed by SIGKILL')
  // Another user still cannot tell it exists.
  expect((await fetch(`${s.server.url}/${id}/status`, as(BOB))).status).toBe(404)
  await eventually(async () => (processesUnder(s.workdirRoot).length === 0 ? true : undefined))
}

describe('agent port', () => {
  it('echo agent: loopback only, 401 without the session secret, SIGKILL named and 410 after kill -9', async () => {
    const s = await serve()
    const started = await startSession(s)
    const { id, port, pid } = started
    await expectGuarded(s, id, port)
    await killedAgentAnswers(s, id, pid)
    await expectUnseen(s, started)
    // A restarted proxy still says why, rather than a 404.
    s.server.child.kill('SIGTERM')
    await s.server.exited
    s.server = await startServerProcess(s.configFile, { ECHO_AGENT_DELAY_MS: '20' })
    const again = await fetch(`${s.server.url}/${id}/status`, as(ALICE))
    expect(again.status).toBe(410)
    expect((await again.json()).detail).toContain('killed by SIGKILL')
  }, 60_000)

  it('agentapi behind the guard: the same, with the agent on a port only the guard knows', async () => {
    // The echo agent stands in for a real agentapi (not installed here): a configured command
    // gets the guard, exactly like an agentapi found on PATH.
    const command = [...echoAgentCommand(), 'server', '--port', '{port}', '--', 'claude']
    const s = await serve({ command })
    const started = await startSession(s)
    const { id, port, pid } = started
    await expectGuarded(s, id, port)
    // Server-sent events stream through the guard.
    const events = await fetch(`${s.server.url}/${id}/events`, as(ALICE))
    const reader = (events.body as ReadableStream<Uint8Array>).getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(first).toContain('event: ')
    await reader.cancel()
    const inner = processesUnder(s.workdirRoot).filter((p) => p.pid !== pid)
    expect(inner.length).toBeGreaterThan(0)
    await killedAgentAnswers(s, id, pid)
    // A process that is exiting has let go of its cwd a moment before it turns zombie.
    await eventually(async () => (inner.some((p) => running(p.pid)) ? undefined : true))
    await expectUnseen(s, started)
  }, 60_000)
})
