import { MemorySessionStore } from './memory.ts'
import { describeSessionStoreContract } from './session-store.contract.ts'

describeSessionStoreContract('memory', { open: async () => new MemorySessionStore() })
