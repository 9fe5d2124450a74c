import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ContractSubject } from './api-key-store.contract.ts'
import type {
  OAuthStateRow,
  OAuthStateStore,
  OAuthTokenRow,
  OAuthTokenStore,
} from './oauth-store.ts'
import { hashSecret } from './secret.ts'

/** The two stores an OAuth sign-in writes to. */
export interface OAuthStores {
  states: OAuthStateStore
  tokens: OAuthTokenStore
}

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString()

/** A pending state as {@link OAuthService.authorize} writes it: valid from minute 0 to 10. */
export function sampleStateRow(overrides: Partial<OAuthStateRow> = {}): OAuthStateRow {
  return {
    state_hash: hashSecret(randomBytes(32).toString('base64url')),
    redirect_uri: 'http://127.0.0.1:5173/callback?next=%2Fsessions&x="y"',
    created_at: at(0),
    expires_at: at(10),
    ...overrides,
  }
}

/** A token row as `issueTokens` builds it, with every field set. */
export function sampleTokenRow(overrides: Partial<OAuthTokenRow> = {}): OAuthTokenRow {
  return {
    id: randomUUID(),
    family_id: randomUUID(),
    access_hash: hashSecret(`aapo_${randomBytes(32).toString('base64url')}`),
    refresh_hash: hashSecret(`aapr_${randomBytes(32).toString('base64url')}`),
    user_id: '3',
    login: 'ada',
    name: 'Ada Lovelace ✓',
    role: 'admin',
    permissions: ['*', 'session:create'],
    github_token: `gho_${randomBytes(18).toString('hex')}`,
    created_at: at(0),
    expires_at: at(480),
    refresh_expires_at: at(600),
    revoked_at: null,
    ...overrides,
  }
}

/**
 * The behaviour every `OAuthStateStore` and `OAuthTokenStore` shares with the in-memory ones,
 * run by each backend's test file against its own stores.
 */
export function describeOAuthStoreContract(
  name: string,
  subject: ContractSubject<OAuthStores>,
): void {
  describe(`OAuth stores contract: ${name}`, () => {
    let stores: OAuthStores
    beforeEach(async () => {
      stores = await subject.open()
    })
    afterEach(async () => {
      await subject.release?.(stores)
    })

    describe('OAuthStateStore', () => {
      it('gives a state back exactly once, with every field', async () => {
        const row = sampleStateRow()
        await stores.states.put(row)
        expect(await stores.states.take(row.state_hash)).toStrictEqual(row)
        expect(await stores.states.take(row.state_hash)).toBeUndefined()
      })

      it('answers undefined for a state never put', async () => {
        expect(await stores.states.take(hashSecret('never-sent'))).toBeUndefined()
      })

      it('lets exactly one of several racing callbacks take a state', async () => {
        const row = sampleStateRow()
        await stores.states.put(row)
        const taken = await Promise.all(
          Array.from({ length: 8 }, () => stores.states.take(row.state_hash)),
        )
        expect(taken.filter((found) => found !== undefined)).toStrictEqual([row])
      })

      it('sweeps expired states when a new one arrives, and keeps live ones', async () => {
        const expired = sampleStateRow({ created_at: at(0), expires_at: at(10) })
        const live = sampleStateRow({ created_at: at(5), expires_at: at(15) })
        await stores.states.put(expired)
        await stores.states.put(live)
        await stores.states.put(sampleStateRow({ created_at: at(10), expires_at: at(20) }))
        expect(await stores.states.take(expired.state_hash)).toBeUndefined()
        expect(await stores.states.take(live.state_hash)).toStrictEqual(live)
      })
    })

    describe('OAuthTokenStore', () => {
      it('returns every field as written, by access hash and by refresh hash', async () => {
        const row = sampleTokenRow()
        await stores.tokens.insert(row)
        expect(await stores.tokens.findByAccessHash(row.access_hash)).toStrictEqual(row)
        expect(await stores.tokens.findByRefreshHash(row.refresh_hash)).toStrictEqual(row)
      })

      it('keeps a null name, empty permissions and a revocation time', async () => {
        const row = sampleTokenRow({ name: null, permissions: [], revoked_at: at(7) })
        await stores.tokens.insert(row)
        expect(await stores.tokens.findByAccessHash(row.access_hash)).toStrictEqual(row)
      })

      it('answers undefined for unknown hashes, and never mixes up the two kinds', async () => {
        const row = sampleTokenRow()
        await stores.tokens.insert(row)
        expect(await stores.tokens.findByAccessHash(row.refresh_hash)).toBeUndefined()
        expect(await stores.tokens.findByRefreshHash(row.access_hash)).toBeUndefined()
        expect(await stores.tokens.findByAccessHash(hashSecret('aapo_unknown'))).toBeUndefined()
      })

      it('hands out copies that callers cannot use to change the store', async () => {
        const row = sampleTokenRow()
        await stores.tokens.insert(row)
        row.permissions.push('session:delete')
        const copy = await stores.tokens.findByAccessHash(row.access_hash)
        copy?.permissions.push('session:delete')
        expect((await stores.tokens.findByRefreshHash(row.refresh_hash))?.permissions).toEqual([
          '*',
          'session:create',
        ])
      })

      it('revokes a row once; a missing row is not revoked', async () => {
        const row = sampleTokenRow()
        await stores.tokens.insert(row)
        expect(await stores.tokens.revoke(row.id, at(20))).toBe(true)
        expect(await stores.tokens.revoke(row.id, at(21))).toBe(false)
        expect(await stores.tokens.revoke(randomUUID(), at(21))).toBe(false)
        const found = await stores.tokens.findByRefreshHash(row.refresh_hash)
        expect(found).toStrictEqual({ ...row, revoked_at: at(20) })
      })

      it('lets exactly one of several racing refreshes revoke the old pair', async () => {
        const row = sampleTokenRow()
        await stores.tokens.insert(row)
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => stores.tokens.revoke(row.id, at(30 + i))),
        )
        expect(results.filter(Boolean)).toHaveLength(1)
        const found = await stores.tokens.findByAccessHash(row.access_hash)
        expect(found?.revoked_at).toBe(at(30 + results.indexOf(true)))
      })

      it('revokes a whole family, keeping earlier revocation times and other families', async () => {
        const family_id = randomUUID()
        const spent = sampleTokenRow({ family_id, revoked_at: at(5) })
        const current = sampleTokenRow({ family_id, created_at: at(5) })
        const other = sampleTokenRow()
        for (const row of [spent, current, other]) await stores.tokens.insert(row)
        await stores.tokens.revokeFamily(family_id, at(9))
        const find = (row: OAuthTokenRow) => stores.tokens.findByAccessHash(row.access_hash)
        expect(await find(spent)).toStrictEqual(spent)
        expect(await find(current)).toStrictEqual({ ...current, revoked_at: at(9) })
        expect(await find(other)).toStrictEqual(other)
        await expect(stores.tokens.revokeFamily(randomUUID(), at(9))).resolves.toBeUndefined()
      })

      it('sweeps rows whose refresh token expired when a new one arrives, revoked or not', async () => {
        const dead = sampleTokenRow({ refresh_expires_at: at(60) })
        const revokedButRecent = sampleTokenRow({ revoked_at: at(30), refresh_expires_at: at(90) })
        await stores.tokens.insert(dead)
        await stores.tokens.insert(revokedButRecent)
        await stores.tokens.insert(sampleTokenRow({ created_at: at(60) }))
        expect(await stores.tokens.findByAccessHash(dead.access_hash)).toBeUndefined()
        // Kept so that reuse of a rotated refresh token is still recognised.
        expect(await stores.tokens.findByRefreshHash(revokedButRecent.refresh_hash)).toStrictEqual(
          revokedButRecent,
        )
      })
    })
  })
}
