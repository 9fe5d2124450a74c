import { describe, expect, it } from 'vitest'
import { describeWithPostgres } from '../../test/postgres.ts'
import { storesOnOwnSchema } from '../../test/postgres-stores.ts'
import { describeShareStoreContract, sampleShareRow } from '../shares/share-store.contract.ts'

await describeWithPostgres('PostgreSQL share links', () => {
  const stores = storesOnOwnSchema('postgres-shares')

  describeShareStoreContract('PostgreSQL', {
    async open() {
      await stores.db.deleteFrom('session_shares').execute()
      return stores.handle.shares
    },
  })

  describe('across replicas', () => {
    it('a link revoked through one connection no longer works through the other', async () => {
      const { handle, replica } = stores
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
