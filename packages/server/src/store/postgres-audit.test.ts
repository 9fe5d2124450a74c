import { describeWithPostgres } from '../../test/postgres.ts'
import { storesOnOwnSchema } from '../../test/postgres-stores.ts'
import { describeAuditStoreContract } from '../audit/audit-store.contract.ts'

await describeWithPostgres('PostgreSQL audit store', () => {
  const stores = storesOnOwnSchema('postgres-audit')

  describeAuditStoreContract('PostgreSQL', async () => {
    await stores.db.deleteFrom('audit_log').execute()
    return stores.handle.auditStore
  })
})
