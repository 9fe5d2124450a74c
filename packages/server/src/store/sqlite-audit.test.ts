import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll } from 'vitest'
import { describeAuditStoreContract } from '../audit/audit-store.contract.ts'
import { type OpenedStore, openStore } from './open.ts'

const logger = pino({ level: 'silent' })
let root: string
let opened: OpenedStore

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aap-sqlite-audit-'))
  const persistence = {
    enabled: true,
    backend: 'sqlite',
    path: join(root, 'proxy.sqlite'),
  } as const
  opened = await openStore(persistence, { logger, env: {}, dataDir: root })
})
afterAll(async () => {
  await opened?.close()
  await rm(root, { recursive: true, force: true })
})

describeAuditStoreContract('SQLite', async () => {
  await opened.db?.deleteFrom('audit_log').execute()
  return opened.auditStore
})
