import { describeShareStoreContract } from './share-store.contract.ts'
import { MemoryShareStore } from './share-store.ts'

describeShareStoreContract('memory', { open: async () => new MemoryShareStore() })
