import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { type ServerProcess, startServerProcess } from '../../test/server-process.ts'
import { ECHO_AGENT, eventually } from '../../test/sessions-fixture.ts'
import { stopGroup } from '../testing/process-group.ts'
import { TempDirs } from '../testing/temp-dir.ts'
import { probeBubblewrap } from './sandbox.ts'
import { homeDirName } from './user-home.ts'

// Two users on one machine, each with an agent that tries to reach the other's files and
// processes and the proxy's own (test/fixtures/sandbox-probe.sh). Run once in bubblewrap and
// once without, so the difference is the sandbox's doing. /var/tmp, not /tmp: the sandbox's
// private /tmp would hide everything under it and prove nothing about what it covers itself.
const PROBE = fileURLToPath(new URL('../../test/fixtures/sandbox-probe.sh', import.meta.url))
const KEYS = { alice: `alice-${'a'.repeat(24)}`, bob: `bob-${'b'.repeat(24)}` }
const bwrap = probeBubblewrap(process.env.PATH)
if ('reason' in bwrap) console.warn(`bubblewrap sandbox tests skipped: ${bwrap.reason}`)

const dirs = new TempDirs()
const servers: ServerProcess[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => stopGroup(s.child, { signal: 'SIGTERM' })))
  await dirs.removeAll()
})

interface Setup {
  root: string
  server: ServerProcess
  marker: string
}

async function serve(sandbox: 'bubblewrap' | 'none'): Promise<Setup> {
  const root = dirs.make('aap-sandbox-', existsSync('/var/tmp') ? '/var/tmp' : undefined)
  const shared = join(root, 'shared')
  mkdirSync(shared)
  writeFileSync(join(shared, 'readme.txt'), 'for every agent\n')
  const configFile = join(root, 'config.json')
  const permissions = ['session:create', 'session:list', 'session:delete', 'session:access']
  const api_keys = Object.entries(KEYS).map(([user_id, key]) => ({ key, user_id, permissions }))
  writeFileSync(
    configFile,
    JSON.stringify({
      port: 0,
      start_port: 20_000 + Math.floor(Math.random() * 30_000),
      auth: { enabled: true, static: { enabled: true, api_keys } },
      agent: { command: ['bash', PROBE, ...ECHO_AGENT.command] },
      persistence: { path: join(root, 'data', 'proxy.sqlite') },
      session: {
        sandbox,
        sandbox_binds: [{ source: shared }],
        workdir_root: join(root, 'sessions'),
        home_root: join(root, 'homes'),
        environment: { allow: ['PROBE_*'] },
      },
    }),
  )
  const marker = `AAP_PROXY_MARKER_${randomBytes(6).toString('hex')}`
  const server = await startServerProcess(configFile, { [marker]: '1' })
  servers.push(server)
  return { root, server, marker }
}

async function startSession(s: Setup, user: keyof typeof KEYS, environment: object) {
  const headers = { 'Content-Type': 'application/json', 'X-API-Key': KEYS[user] }
  const res = await fetch(`${s.server.url}/start`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ environment }),
  })
  expect(res.status).toBe(201)
  const { session_id: id } = (await res.json()) as { session_id: string }
  await eventually(async () => {
    const session = await (await fetch(`${s.server.url}/sessions/${id}`, { headers })).json()
    if (session.status === 'failed') throw new Error(`session failed: ${session.error}`)
    return session.status === 'active' ? true : undefined
  }, 20_000)
  const workdir = join(s.root, 'sessions', id)
  const probe = readFileSync(join(workdir, 'probe.txt'), 'utf8')
  return {
    id,
    workdir,
    probe: Object.fromEntries(
      probe
        .trim()
        .split('\n')
        .map((l) => l.split('=')),
    ),
  }
}

/** Alice's agent leaves secrets; Bob's tries to reach them and the proxy's files. */
async function probeAcrossUsers(sandbox: 'bubblewrap' | 'none') {
  const s = await serve(sandbox)
  const alice = await startSession(s, 'alice', { PROBE_SECRET: 'alice-only' })
  const bob = await startSession(s, 'bob', {
    PROBE_OTHER_WORKDIR: alice.workdir,
    PROBE_OTHER_HOME: join(s.root, 'homes', homeDirName('alice')),
    PROBE_DATABASE: join(s.root, 'data', 'proxy.sqlite'),
    PROBE_KEY: join(s.root, 'data', 'encryption.key'),
    PROBE_CONFIG: join(s.root, 'config.json'),
    PROBE_PROXY_ONLY: s.marker,
    PROBE_BOUND: join(s.root, 'shared'),
  })
  return { s, alice, bob }
}

const OWN_WRITES = { write_workdir: 'yes', write_home: 'yes', write_tmpdir: 'yes' }
const LEAKS = [
  'read_other_workdir',
  'list_other_workdir',
  'read_other_home',
  'read_database',
  'read_key',
  'read_config',
  'see_other_agent',
  'read_other_environ',
  'read_proxy_environ',
] as const

describe.skipIf('reason' in bwrap)('session.sandbox: bubblewrap', () => {
  it("keeps each agent out of other users' sessions, homes and processes, and the proxy's data", async () => {
    const { s, alice, bob } = await probeAcrossUsers('bubblewrap')
    for (const leak of LEAKS) expect({ [leak]: bob.probe[leak] }).toEqual({ [leak]: 'no' })
    expect(bob.probe).toMatchObject({ ...OWN_WRITES, own_env_has_proxy_var: 'no' })
    // The configured bind is there, read-only.
    expect(bob.probe).toMatchObject({ read_bound: 'yes', write_bound: 'no' })
    // Each user's own home, kept on the host where the next session finds it.
    const aliceHome = join(s.root, 'homes', homeDirName('alice'))
    expect(alice.probe.home).toBe(aliceHome)
    expect(readFileSync(join(aliceHome, 'secret.txt'), 'utf8')).toBe('alice-only\n')
    expect(existsSync(join(bob.workdir, 'written.txt'))).toBe(true)
    expect(existsSync(join(s.root, 'homes', homeDirName('bob'), 'written.txt'))).toBe(true)
  }, 60_000)
})

describe('session.sandbox: none', () => {
  it('lets every agent read the others and the proxy: what the sandbox is for', async () => {
    const { s, bob } = await probeAcrossUsers('none')
    for (const leak of LEAKS) expect({ [leak]: bob.probe[leak] }).toEqual({ [leak]: 'yes' })
    expect(bob.probe).toMatchObject({ ...OWN_WRITES, own_env_has_proxy_var: 'no' })
    expect(bob.probe.home).toBe(join(s.root, 'homes', homeDirName('bob')))
  }, 60_000)
})
