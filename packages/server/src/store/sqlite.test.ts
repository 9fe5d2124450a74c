import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnInGroup, stopGroup } from '../testing/process-group.ts'
import { MemorySessionStore } from './memory.ts'
import { type OpenedStore, openStore, type PersistenceSettings } from './open.ts'
import { sampleRecord } from './sample-records.ts'
import { describeSessionStoreContract } from './session-store.contract.ts'
import type { SessionStore } from './session-store.ts'

const logger = pino({ level: 'silent' })
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aap-sqlite-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function openIn(dir: string, env: Record<string, string> = {}): Promise<OpenedStore> {
  const persistence: PersistenceSettings = {
    enabled: true,
    backend: 'sqlite',
    path: join(dir, 'db', 'agentapi-proxy.sqlite'),
  }
  return openStore(persistence, { logger, env, dataDir: join(dir, 'data') })
}

async function rawBytes(dir: string): Promise<string> {
  const file = join(dir, 'db', 'agentapi-proxy.sqlite')
  const parts = await Promise.all(
    [file, `${file}-wal`].map((path) => readFile(path).catch(() => Buffer.alloc(0))),
  )
  return Buffer.concat(parts).toString('latin1')
}

// Opens the store as `openIn` does, writes one record, says so, and then never closes.
const CRASH_WRITER = `
  import { openStore } from ${JSON.stringify(new URL('./open.ts', import.meta.url).href)}
  const [dir, json] = process.argv.slice(1)
  const { store } = await openStore(
    { enabled: true, backend: 'sqlite', path: dir + '/db/agentapi-proxy.sqlite' },
    { logger: { info() {}, warn() {} }, env: {}, dataDir: dir + '/data' },
  )
  await store.insert(JSON.parse(json))
  process.stdout.write('written\\n')
  setInterval(() => {}, 1000)
`

const handles = new Map<SessionStore, OpenedStore>()
describeSessionStoreContract('SQLite', {
  async open() {
    const handle = await openIn(await mkdtemp(join(root, 'contract-')))
    handles.set(handle.store, handle)
    return handle.store
  },
  async release(store) {
    await handles.get(store)?.close()
  },
})

describe('openStore with SQLite', () => {
  it('creates the file and its directories, in WAL mode', async () => {
    const dir = await mkdtemp(join(root, 'fresh-'))
    const handle = await openIn(dir)
    if (!handle.db) throw new Error('openStore gave no database for SQLite')
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db)
    expect(rows[0]?.journal_mode).toBe('wal')
    await handle.close()
    await expect(stat(join(dir, 'db', 'agentapi-proxy.sqlite'))).resolves.toBeTruthy()
  })

  // Issue 19 item 14: on main PLAIN, DATABASE_URL, DB_PASSWD, BEARER, TLS_PEM are in the file.
  it('keeps every environment value out of the file, and reads them back in clear', async () => {
    const dir = await mkdtemp(join(root, 'at-rest-'))
    const tag = randomBytes(8).toString('hex')
    const environment = {
      GITHUB_TOKEN: `ghp_secret_${tag}`,
      PLAIN: `visible_${tag}`,
      DATABASE_URL: `postgres://app:pw_${tag}@db/app`,
      DB_PASSWD: `passwd_${tag}`,
      BEARER: `bearer_${tag}`,
      TLS_PEM: `-----BEGIN PRIVATE KEY-----\npem_${tag}\n-----END PRIVATE KEY-----`,
    }
    const record = sampleRecord({ environment })
    const handle = await openIn(dir)
    await handle.store.insert(record)
    expect(await rawBytes(dir)).not.toContain(tag)
    expect((await handle.store.get(record.session_id))?.environment).toStrictEqual(environment)
    await handle.close()
    expect(await rawBytes(dir)).not.toContain(tag)
  })

  it('seals the plaintext values of rows written before, at the next open', async () => {
    const dir = await mkdtemp(join(root, 'reseal-'))
    const record = sampleRecord({ environment: { PLAIN: 'old-plain', GITHUB_TOKEN: 'ghp_old' } })
    const first = await openIn(dir)
    await first.store.insert(record)
    if (!first.db) throw new Error('openStore gave no database for SQLite')
    // What an older version wrote: the token sealed by name, PLAIN in clear.
    const sealedToken = JSON.parse(
      (await first.db.selectFrom('sessions').select('environment').executeTakeFirstOrThrow())
        .environment,
    ).GITHUB_TOKEN
    const old = JSON.stringify({ PLAIN: 'old-plain', GITHUB_TOKEN: sealedToken })
    await first.db.updateTable('sessions').set({ environment: old }).execute()
    await first.close()

    const second = await openIn(dir)
    if (!second.db) throw new Error('openStore gave no database for SQLite')
    const row = await second.db
      .selectFrom('sessions')
      .select('environment')
      .executeTakeFirstOrThrow()
    expect(Object.values(JSON.parse(row.environment))).toEqual([
      expect.stringMatching(/^enc:v1:/),
      expect.stringMatching(/^enc:v1:/),
    ])
    expect((await second.store.get(record.session_id))?.environment).toStrictEqual({
      PLAIN: 'old-plain',
      GITHUB_TOKEN: 'ghp_old',
    })
    await second.close()
  })

  it('generates a 0600 key file in a 0700 data directory and reuses it on the next start', async () => {
    const dir = await mkdtemp(join(root, 'key-'))
    const first = await openIn(dir)
    const record = sampleRecord()
    await first.store.insert(record)
    await first.close()
    const keyFile = join(dir, 'data', 'encryption.key')
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700)
    const key = await readFile(keyFile, 'utf8')

    const second = await openIn(dir)
    expect(await second.store.get(record.session_id)).toStrictEqual(record)
    await second.close()
    expect(await readFile(keyFile, 'utf8')).toBe(key)
  })

  it('refuses to start with a different key, saying which key to use', async () => {
    const dir = await mkdtemp(join(root, 'wrong-key-'))
    const first = await openIn(dir)
    await first.store.insert(sampleRecord())
    await first.close()
    const otherKey = randomBytes(32).toString('base64')
    await expect(openIn(dir, { AGENTAPI_PROXY_ENCRYPTION_KEY: otherKey })).rejects.toThrow(
      /encryption key \(AGENTAPI_PROXY_ENCRYPTION_KEY\) does not match the one this database was written with/,
    )
  })

  it('refuses a malformed key from the environment, naming the variable', async () => {
    const dir = await mkdtemp(join(root, 'bad-key-'))
    await expect(openIn(dir, { AGENTAPI_PROXY_ENCRYPTION_KEY: 'c2hvcnQ=' })).rejects.toThrow(
      /AGENTAPI_PROXY_ENCRYPTION_KEY must be 32 random bytes in base64 \(it decodes to 5 bytes\)/,
    )
  })

  it('loses no committed session when the process is killed with SIGKILL', async () => {
    const dir = await mkdtemp(join(root, 'crash-'))
    const record = sampleRecord()
    const child = spawnInGroup(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CRASH_WRITER, dir, JSON.stringify(record)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      },
    )
    try {
      const exited = once(child, 'exit').then(([code]) => {
        throw new Error(`the writer exited (${code}) before writing`)
      })
      exited.catch(() => {})
      const [line] = await Promise.race([once(child.stdout as Readable, 'data'), exited])
      expect(String(line)).toBe('written\n')
    } finally {
      await stopGroup(child) // SIGKILL, the crash under test
    }
    const reopened = await openIn(dir)
    expect(await reopened.store.get(record.session_id)).toStrictEqual(record)
    await reopened.close()
  })

  it('keeps sessions in memory when persistence is off', async () => {
    const handle = await openStore(
      { enabled: false, backend: 'sqlite', path: join(root, 'unused', 'x.sqlite') },
      { logger, env: {} },
    )
    expect(handle.store).toBeInstanceOf(MemorySessionStore)
    expect(handle.db).toBeNull()
    await expect(stat(join(root, 'unused'))).rejects.toThrow()
    await handle.close()
  })
})
