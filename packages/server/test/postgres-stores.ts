import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Kysely, sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll } from 'vitest'
import type { Database } from '../src/store/database.ts'
import { type OpenedStore, openStore, type PersistenceSettings } from '../src/store/open.ts'
import { POSTGRES_URL } from './postgres.ts'

/** Two proxies' stores on one PostgreSQL schema, filled in by `beforeAll`. */
export interface SchemaStores {
  readonly schema: string
  /** The store a test writes through. */
  handle: OpenedStore
  /** A second proxy sharing the database: same schema, same key file, its own pool. */
  replica: OpenedStore
  /** `handle`'s database, for reading rows as they are stored. */
  db: Kysely<Database>
}

/**
 * Opens {@link SchemaStores} on a schema of their own before the file's tests (call it inside
 * `describeWithPostgres`), and closes them and drops the schema after. The key file lives in a
 * temp dir named after `name`, so that no test writes into the working directory.
 */
export function storesOnOwnSchema(name: string): SchemaStores {
  const stores = { schema: `aap_test_${randomBytes(6).toString('hex')}` } as SchemaStores
  const persistence: PersistenceSettings = {
    enabled: true,
    backend: 'postgres',
    path: '-',
    url: POSTGRES_URL,
  }
  const logger = pino({ level: 'silent' })
  let dataDir: string | undefined

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `aap-${name}-`))
    const options = { logger, env: {}, dataDir, schema: stores.schema }
    stores.handle = await openStore(persistence, options)
    stores.replica = await openStore(persistence, options)
    if (!stores.handle.db) throw new Error('openStore gave no database for PostgreSQL')
    stores.db = stores.handle.db
  })
  afterAll(async () => {
    await stores.replica?.close()
    if (stores.db)
      await sql`drop schema if exists ${sql.id(stores.schema)} cascade`.execute(stores.db)
    await stores.handle?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })
  return stores
}
