import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import { describeAuditStoreContract } from '../audit/audit-store.contract.ts'
import { type OpenedStore, openStore } from './open.ts'

await describeWithPostgres('PostgreSQL audit store', () => {
  const schema = `aap_test_${randomBytes(6).toString('hex')}`
  const logger = pino({ level: 'silent' })
  let dataDir: string
  let opened: OpenedStore

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'aap-postgres-audit-'))
    const persistence = {
      enabled: true,
      backend: 'postgres',
      path: '-',
      url: POSTGRES_URL,
    } as const
    opened = await openStore(persistence, { logger, env: {}, dataDir, schema })
  })
  afterAll(async () => {
    if (opened?.db) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(opened.db)
    await opened?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  describeAuditStoreContract('PostgreSQL', async () => {
    await opened.db?.deleteFrom('audit_log').execute()
    return opened.auditStore
  })
})
