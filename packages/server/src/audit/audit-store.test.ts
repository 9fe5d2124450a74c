import { describeAuditStoreContract } from './audit-store.contract.ts'
import { MemoryAuditStore } from './audit-store.ts'

describeAuditStoreContract('memory', async () => new MemoryAuditStore())
