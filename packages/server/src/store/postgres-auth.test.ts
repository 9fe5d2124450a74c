import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Kysely, sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import { describeApiKeyStoreContract } from '../auth/api-key-store.contract.ts'
import {
  describeOAuthStoreContract,
  sampleStateRow,
  sampleTokenRow,
} from '../auth/oauth-store.contract.ts'
import type { Database } from './database.ts'
import { type OpenedStore, openStore, type PersistenceSettings } from './open.ts'

const url = POSTGRES_URL
await describeWithPostgres('PostgreSQL auth stores', describePostgres)

function describePostgres(): void {
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  const persistence: PersistenceSettings = { enabled: true, backend: 'postgres', path: '-', url }
  const logger = pino({ level: 'silent' })
  let dataDir: string
  let handle: OpenedStore
  let replica: OpenedStore
  let db: Kysely<Database>

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aap-postgres-auth-'))
    handle = await openStore(persistence, { logger, env: {}, dataDir, schema })
    // A second proxy sharing the database: same schema, same key file, its own pool.
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

  // One schema per run; each test starts from empty tables.
  async function emptied(): Promise<OpenedStore['authStores']> {
    await db.deleteFrom('api_keys').execute()
    await db.deleteFrom('oauth_states').execute()
    await db.deleteFrom('oauth_tokens').execute()
    return handle.authStores
  }

  describeApiKeyStoreContract('PostgreSQL', { open: async () => (await emptied()).apiKeys })
  describeOAuthStoreContract('PostgreSQL', {
    async open() {
      const stores = await emptied()
      return { states: stores.oauthStates, tokens: stores.oauthTokens }
    },
  })

  describe('SQL auth stores on PostgreSQL', () => {
    it('keep their tables in the given schema', async () => {
      const { rows } = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema}`.execute(db)
      expect(rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['api_keys', 'oauth_states', 'oauth_tokens']),
      )
    })

    it("seal GitHub's token in the row and open it on read, on every replica", async () => {
      await emptied()
      const row = sampleTokenRow()
      await handle.authStores.oauthTokens.insert(row)
      const raw = await db
        .selectFrom('oauth_tokens')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow()
      expect(raw.github_token).toMatch(/^enc:v1:/)
      expect(JSON.stringify(raw)).not.toContain(row.github_token)
      const found = await replica.authStores.oauthTokens.findByAccessHash(row.access_hash)
      expect(found?.github_token).toBe(row.github_token)
    })

    it('let exactly one of two replicas take a state, however often they race', async () => {
      await emptied()
      const rows = Array.from({ length: 20 }, () => sampleStateRow())
      for (const row of rows) await handle.authStores.oauthStates.put(row)
      const taken = await Promise.all(
        rows.flatMap((row) =>
          [handle, replica, handle, replica].map((h) =>
            h.authStores.oauthStates.take(row.state_hash),
          ),
        ),
      )
      expect(taken.filter((found) => found !== undefined)).toHaveLength(rows.length)
    })

    it('let exactly one of two replicas revoke a token pair', async () => {
      await emptied()
      const row = sampleTokenRow()
      await handle.authStores.oauthTokens.insert(row)
      const results = await Promise.all(
        [handle, replica, handle, replica].map((h) =>
          h.authStores.oauthTokens.revoke(row.id, new Date().toISOString()),
        ),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })
  })
}

/** Why PostgreSQL cannot be reached, or null when it can. */
