import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Kysely, sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import { describeShareStoreContract, sampleShareRow } from '../shares/share-store.contract.ts'
import type { Database } from './database.ts'
import { type OpenedStore, openStore, type PersistenceSettings } from './open.ts'

await describeWithPostgres('PostgreSQL share links', () => {
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  const persistence: PersistenceSettings = {
    enabled: true,
    backend: 'postgres',
    path: '-',
    url: POSTGRES_URL,
  }
  const logger = pino({ level: 'silent' })
  let dataDir: string
  let handle: OpenedStore
  let replica: OpenedStore
  let db: Kysely<Database>

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aap-postgres-shares-'))
    handle = await openStore(persistence, { logger, env: {}, dataDir, schema })
    replica = await openStore(persistence, { logger, env: {}, dataDir, schema })
    if (!handle.db) throw new Error('openStore gave no database for PostgreSQL')
    db = handle.db
  })
  afterAll(async () => {
    await replica?.close()
    if (db) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db)
    await handle?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  describeShareStoreContract('PostgreSQL', {
    async open() {
      await db.deleteFrom('session_shares').execute()
      return handle.shares
    },
  })

  describe('across replicas', () => {
    it('a link revoked through one connection no longer works through the other', async () => {
      const row = sampleShareRow({ expires_at: '2099-01-01T00:00:00.000Z' })
      await handle.shares.insert(row)
      const now = new Date().toISOString()
      expect(await replica.shares.stillActive([row.id], now)).toStrictEqual([row.id])
      expect(await handle.shares.revoke(row.session_id, row.id, now)).toBe(true)
      expect(await replica.shares.stillActive([row.id], now)).toStrictEqual([])
      expect((await replica.shares.findByHash(row.hash))?.revoked_at).toBe(now)
    })
  })
})
