import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import SQLite from 'libsql'
import pg from 'pg'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import type { SqlDialectName } from './database.ts'
import { StaticMigrationProvider } from './migrations/provider.ts'
import { openStore, type PersistenceSettings } from './open.ts'

// A database written before migration 0006 (pid, port, workdir and log_path columns) upgrades in
// place: a running session keeps its agent, as a local provisioner handle and a loopback URL.

const logger = pino({ level: 'silent' })
const KEY_ENV = { AGENTAPI_PROXY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }

const row = (id: string, status: string, agent: Record<string, unknown>) => ({
  session_id: id,
  user_id: 'alice',
  owner_role: null,
  status,
  agent_status: null,
  agent: 'echo',
  agent_type: 'claude',
  repository: null,
  tags: '{}',
  environment: '{}',
  initial_message: null,
  initial_message_sent: 0,
  agent_secret: null,
  started_at: '2026-01-01T00:00:00.000Z',
  last_activity_at: '2026-01-01T00:00:00.000Z',
  stopped_at: null,
  exit_code: null,
  error: null,
  log_tail: '[]',
  ...agent,
})

// biome-ignore lint/suspicious/noExplicitAny: the schema of the day before 0006
async function migrateTo0005(db: Kysely<any>, dialect: SqlDialectName, schema?: string) {
  const all = await new StaticMigrationProvider(dialect).getMigrations()
  const before: Record<string, Migration> = {}
  for (const [name, migration] of Object.entries(all)) if (name < '0006') before[name] = migration
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => before },
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
  await db
    .insertInto('sessions')
    .values([
      row('running', 'active', { pid: 4242, port: 9005, workdir: '/w/running', log_path: '/l' }),
      row('never-ran', 'failed', { pid: null, port: null, workdir: null, log_path: null }),
    ])
    .execute()
}

async function expectHandles(persistence: PersistenceSettings, dataDir: string, schema?: string) {
  const opened = await openStore(persistence, {
    logger,
    env: KEY_ENV,
    dataDir,
    ...(schema ? { schema } : {}),
  })
  try {
    expect(await opened.store.get('running')).toMatchObject({
      agent_url: 'http://127.0.0.1:9005',
      handle: { pid: 4242, port: 9005, workdir: '/w/running', log_path: '/l' },
      owner: null,
      lease_until: null,
    })
    expect(await opened.store.get('never-ran')).toMatchObject({ agent_url: null, handle: null })
  } finally {
    await opened.close()
  }
}

describe('migration 0006 on SQLite', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aap-0006-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('turns the local process columns into a handle and an agent URL', async () => {
    const path = join(dir, 'old.sqlite')
    const db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(path) }) })
    await migrateTo0005(db, 'sqlite')
    await db.destroy()
    await expectHandles({ enabled: true, backend: 'sqlite', path }, dir)
  })
})

await describeWithPostgres('migration 0006 on PostgreSQL', () => {
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  let dir: string
  let pool: pg.Pool
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aap-0006-pg-'))
    pool = new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` })
  })
  afterAll(async () => {
    await pool.query(`drop schema if exists ${schema} cascade`)
    await pool.end()
    await rm(dir, { recursive: true, force: true })
  })

  it('turns the local process columns into a handle and an agent URL', async () => {
    await pool.query(`create schema ${schema}`)
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) })
    await migrateTo0005(db, 'postgres', schema)
    const persistence: PersistenceSettings = {
      enabled: true,
      backend: 'postgres',
      path: '-',
      url: POSTGRES_URL,
    }
    await expectHandles(persistence, dir, schema)
  })
})
