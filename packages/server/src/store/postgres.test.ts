import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Kysely, sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import type { Database } from './database.ts'
import { type OpenedStore, openStore, type PersistenceSettings } from './open.ts'
import { sampleRecord } from './sample-records.ts'
import { describeSessionStoreContract } from './session-store.contract.ts'

const url = POSTGRES_URL
await describeWithPostgres('PostgreSQL store', describePostgres)

function describePostgres(): void {
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  const persistence: PersistenceSettings = { enabled: true, backend: 'postgres', path: '-', url }
  const logger = pino({ level: 'silent' })
  let dataDir: string
  let handle: OpenedStore
  let db: Kysely<Database>

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aap-postgres-'))
    handle = await openStore(persistence, { logger, env: {}, dataDir, schema })
    if (!handle.db) throw new Error('openStore gave no database for PostgreSQL')
    db = handle.db
  })
  afterAll(async () => {
    if (db) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
    await handle?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  describeSessionStoreContract('PostgreSQL', {
    // One schema per run; each test starts from empty tables.
    async open() {
      await db.deleteFrom('session_tags').execute()
      await db.deleteFrom('sessions').execute()
      await db.deleteFrom('session_events').execute()
      return handle.store
    },
  })

  describe('openStore with PostgreSQL', () => {
    it('keeps its tables in the given schema', async () => {
      const { rows } = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema}
        order by table_name`.execute(db)
      expect(rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['session_tags', 'sessions', 'store_meta']),
      )
    })

    it('stores secret environment values sealed', async () => {
      const secret = `ghp_secret_${randomBytes(12).toString('hex')}`
      const record = sampleRecord({ environment: { GITHUB_TOKEN: secret } })
      await handle.store.insert(record)
      const raw = await db
        .selectFrom('sessions')
        .select('environment')
        .where('session_id', '=', record.session_id)
        .executeTakeFirstOrThrow()
      expect(raw.environment).not.toContain(secret)
      expect(JSON.parse(raw.environment).GITHUB_TOKEN).toMatch(/^enc:v1:/)
      expect((await handle.store.get(record.session_id))?.environment.GITHUB_TOKEN).toBe(secret)
    })

    it('refuses a second replica whose key differs, and writes no key file for it', async () => {
      const otherDir = await mkdtemp(join(tmpdir(), 'aap-postgres-other-'))
      try {
        await expect(
          openStore(persistence, { logger, env: {}, dataDir: otherDir, schema }),
        ).rejects.toMatchObject({
          message: expect.stringMatching(/written with another encryption key/),
          hint: expect.stringMatching(/every replica sharing a database needs the same key/),
        })
        expect(await readdir(otherDir)).toEqual([])
      } finally {
        await rm(otherDir, { recursive: true, force: true })
      }
    })
  })
}

/** Why PostgreSQL cannot be reached, or null when it can. */
