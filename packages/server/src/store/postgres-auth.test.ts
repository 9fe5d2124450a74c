import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { describeWithPostgres } from '../../test/postgres.ts'
import { storesOnOwnSchema } from '../../test/postgres-stores.ts'
import { describeApiKeyStoreContract } from '../auth/api-key-store.contract.ts'
import {
  describeOAuthStoreContract,
  sampleStateRow,
  sampleTokenRow,
} from '../auth/oauth-store.contract.ts'
import type { OpenedStore } from './open.ts'

await describeWithPostgres('PostgreSQL auth stores', describePostgres)

function describePostgres(): void {
  const stores = storesOnOwnSchema('postgres-auth')
  const { schema } = stores

  // One schema per run; each test starts from empty tables.
  async function emptied(): Promise<OpenedStore['authStores']> {
    await stores.db.deleteFrom('api_keys').execute()
    await stores.db.deleteFrom('oauth_states').execute()
    await stores.db.deleteFrom('oauth_tokens').execute()
    return stores.handle.authStores
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
        select table_name from information_schema.tables where table_schema = ${schema}`.execute(
        stores.db,
      )
      expect(rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['api_keys', 'oauth_states', 'oauth_tokens']),
      )
    })

    it("seal GitHub's token in the row and open it on read, on every replica", async () => {
      await emptied()
      const row = sampleTokenRow()
      await stores.handle.authStores.oauthTokens.insert(row)
      const raw = await stores.db
        .selectFrom('oauth_tokens')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow()
      expect(raw.github_token).toMatch(/^enc:v1:/)
      expect(JSON.stringify(raw)).not.toContain(row.github_token)
      const found = await stores.replica.authStores.oauthTokens.findByAccessHash(row.access_hash)
      expect(found?.github_token).toBe(row.github_token)
    })

    it('let exactly one of two replicas take a state, however often they race', async () => {
      await emptied()
      const rows = Array.from({ length: 20 }, () => sampleStateRow())
      for (const row of rows) await stores.handle.authStores.oauthStates.put(row)
      const taken = await Promise.all(
        rows.flatMap((row) =>
          [stores.handle, stores.replica, stores.handle, stores.replica].map((h) =>
            h.authStores.oauthStates.take(row.state_hash),
          ),
        ),
      )
      expect(taken.filter((found) => found !== undefined)).toHaveLength(rows.length)
    })

    it('let exactly one of two replicas revoke a token pair', async () => {
      await emptied()
      const row = sampleTokenRow()
      await stores.handle.authStores.oauthTokens.insert(row)
      const results = await Promise.all(
        [stores.handle, stores.replica, stores.handle, stores.replica].map((h) =>
          h.authStores.oauthTokens.revoke(row.id, new Date().toISOString()),
        ),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })
  })
}

/** Why PostgreSQL cannot be reached, or null when it can. */
