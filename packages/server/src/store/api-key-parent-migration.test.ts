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
import { ApiKeyService } from '../auth/api-keys.ts'
import { hashSecret } from '../auth/secret.ts'
import type { SqlDialectName } from './database.ts'
import { StaticMigrationProvider } from './migrations/provider.ts'
import { openStore, type PersistenceSettings } from './open.ts'

// A database written before migration 0004 (api_keys without created_by) upgrades in place, and
// the keys already in it keep working: they have no recorded creator, so nothing revokes them.

const logger = pino({ level: 'silent' })
const KEY = `aap_${randomBytes(32).toString('base64url')}`
const KEY_ENV = { AGENTAPI_PROXY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }

// biome-ignore lint/suspicious/noExplicitAny: the schema of the day before 0004
async function migrateTo0003(db: Kysely<any>, dialect: SqlDialectName, schema?: string) {
  const all = await new StaticMigrationProvider(dialect).getMigrations()
  const before: Record<string, Migration> = {}
  for (const [name, migration] of Object.entries(all)) if (name < '0004') before[name] = migration
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => before },
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
  await db
    .insertInto('api_keys')
    .values({
      id: 'key_old',
      name: 'from before',
      prefix: KEY.slice(0, 12),
      hash: hashSecret(KEY),
      user_id: 'alice',
      role: 'member',
      permissions: '["session:list"]',
      created_at: '2026-01-01T00:00:00.000Z',
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
    })
    .execute()
}

async function expectOldKeyWorks(
  persistence: PersistenceSettings,
  dataDir: string,
  schema?: string,
) {
  const opened = await openStore(persistence, {
    logger,
    env: KEY_ENV,
    dataDir,
    ...(schema ? { schema } : {}),
  })
  try {
    const row = await opened.authStores.apiKeys.findById('key_old')
    expect(row).toMatchObject({ created_by: null, user_id: 'alice' })
    const keys = new ApiKeyService({ store: opened.authStores.apiKeys })
    expect(await keys.authenticate(KEY)).toMatchObject({ user_id: 'alice' })
  } finally {
    await opened.close()
  }
}

describe('migration 0004 on SQLite', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aap-0004-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('adds created_by to a 0003 database, and its keys keep working', async () => {
    const path = join(dir, 'old.sqlite')
    const db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(path) }) })
    await migrateTo0003(db, 'sqlite')
    await db.destroy()
    await expectOldKeyWorks({ enabled: true, backend: 'sqlite', path }, dir)
  })
})

await describeWithPostgres('migration 0004 on PostgreSQL', () => {
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  let dir: string
  let pool: pg.Pool
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aap-0004-pg-'))
    pool = new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` })
  })
  afterAll(async () => {
    await pool.query(`drop schema if exists ${schema} cascade`)
    await pool.end()
    await rm(dir, { recursive: true, force: true })
  })

  it('adds created_by to a 0003 database, and its keys keep working', async () => {
    await pool.query(`create schema ${schema}`)
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) })
    await migrateTo0003(db, 'postgres', schema)
    const persistence: PersistenceSettings = {
      enabled: true,
      backend: 'postgres',
      path: '-',
      url: POSTGRES_URL,
    }
    await expectOldKeyWorks(persistence, dir, schema)
  })
})
