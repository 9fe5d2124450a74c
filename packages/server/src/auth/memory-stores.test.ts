import { describeApiKeyStoreContract } from './api-key-store.contract.ts'
import { MemoryApiKeyStore } from './api-key-store.ts'
import { describeOAuthStoreContract } from './oauth-store.contract.ts'
import { MemoryOAuthStateStore, MemoryOAuthTokenStore } from './oauth-store.ts'

describeApiKeyStoreContract('memory', { open: async () => new MemoryApiKeyStore() })
describeOAuthStoreContract('memory', {
  open: async () => ({ states: new MemoryOAuthStateStore(), tokens: new MemoryOAuthTokenStore() }),
})
