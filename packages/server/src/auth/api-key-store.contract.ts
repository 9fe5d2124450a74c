import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiKeyRow, ApiKeyStore } from './api-key-store.ts'
import { hashSecret } from './secret.ts'

/** How a contract suite gets a fresh store (or set of stores) to test. */
export interface ContractSubject<T> {
  /** Stores with no rows; called before each test. */
  open(): Promise<T>
  /** Called after each test with what `open` gave. */
  release?(stores: T): Promise<void>
}

/** An API key row as {@link ApiKeyService} writes it, with every field set. */
export function sampleApiKeyRow(overrides: Partial<ApiKeyRow> = {}): ApiKeyRow {
  const key = `aap_${randomBytes(32).toString('base64url')}`
  return {
    id: `key_${randomBytes(12).toString('base64url')}`,
    name: 'ci — "nightly" ✓',
    prefix: key.slice(0, 12),
    hash: hashSecret(key),
    user_id: '583231',
    role: 'developer',
    permissions: ['session:create', 'session:access'],
    created_at: '2026-03-01T10:00:00.000Z',
    expires_at: '2026-06-01T00:00:00.000Z',
    last_used_at: '2026-03-02T08:30:00.000Z',
    revoked_at: null,
    created_by: 'static:5d41402abc4b2a76b9719d91',
    ...overrides,
  }
}

/**
 * The behaviour every `ApiKeyStore` shares with {@link MemoryApiKeyStore}, run by each backend's
 * test file against its own store.
 */
export function describeApiKeyStoreContract(
  name: string,
  subject: ContractSubject<ApiKeyStore>,
): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let store: ApiKeyStore

    beforeEach(async () => {
      store = await subject.open()
    })
    afterEach(async () => {
      await subject.release?.(store)
    })

    const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString()

    it('returns every field as written, by id and by hash', async () => {
      const row = sampleApiKeyRow()
      await store.insert(row)
      expect(await store.findById(row.id)).toStrictEqual(row)
      expect(await store.findByHash(row.hash)).toStrictEqual(row)
    })

    it('keeps nulls and an empty permission list', async () => {
      const row = sampleApiKeyRow({ permissions: [], expires_at: null, last_used_at: null })
      await store.insert(row)
      expect(await store.findById(row.id)).toStrictEqual(row)
    })

    it('answers undefined for an unknown id or hash', async () => {
      await store.insert(sampleApiKeyRow())
      expect(await store.findById('key_missing')).toBeUndefined()
      expect(await store.findByHash(hashSecret('aap_never-issued'))).toBeUndefined()
    })

    it('refuses a second row with the same id', async () => {
      const row = sampleApiKeyRow()
      await store.insert(row)
      await expect(store.insert(sampleApiKeyRow({ id: row.id }))).rejects.toThrow()
      expect(await store.findById(row.id)).toStrictEqual(row)
    })

    it('hands out copies that callers cannot use to change the store', async () => {
      const row = sampleApiKeyRow()
      await store.insert(row)
      row.permissions.push('*')
      const copy = await store.findById(row.id)
      copy?.permissions.push('*')
      const listed = await store.list()
      listed[0]?.permissions.push('*')
      expect((await store.findByHash(row.hash))?.permissions).toEqual([
        'session:create',
        'session:access',
      ])
    })

    it('lists the keys that are not revoked, oldest first, of one user or of everyone', async () => {
      // Inserted as the service does, in creation order: that is what "oldest" means.
      const rows = [
        sampleApiKeyRow({ user_id: 'bob', created_at: at(1) }),
        sampleApiKeyRow({ user_id: 'carol', created_at: at(2) }),
        sampleApiKeyRow({ user_id: 'bob', created_at: at(3), revoked_at: at(5) }),
        sampleApiKeyRow({ user_id: 'bob', created_at: at(4) }),
      ]
      for (const row of rows) await store.insert(row)
      const [bobFirst, carol, , bobLater] = rows
      expect(await store.list({ user_id: 'bob' })).toStrictEqual([bobFirst, bobLater])
      expect(await store.list()).toStrictEqual([bobFirst, carol, bobLater])
      expect(await store.list({ user_id: 'nobody' })).toEqual([])
    })

    it('pages in (created_at, id) order, ties broken by id', async () => {
      const rows = [
        sampleApiKeyRow({ id: 'key_b', created_at: at(1) }),
        sampleApiKeyRow({ id: 'key_a', created_at: at(1) }),
        sampleApiKeyRow({ id: 'key_c', created_at: at(2) }),
      ]
      for (const row of rows) await store.insert(row)
      const first = await store.list({ limit: 2 })
      expect(first.map((row) => row.id)).toEqual(['key_a', 'key_b'])
      const after = { created_at: at(1), id: 'key_b' }
      expect((await store.list({ after, limit: 2 })).map((row) => row.id)).toEqual(['key_c'])
    })

    it('finds the unrevoked keys a credential minted, and counts the active ones', async () => {
      const parent = sampleApiKeyRow({ created_by: null, user_id: 'dan' })
      const kids = [
        sampleApiKeyRow({ created_by: parent.id, user_id: 'dan', expires_at: null }),
        sampleApiKeyRow({ created_by: parent.id, user_id: 'dan', revoked_at: at(3) }),
        sampleApiKeyRow({ created_by: parent.id, user_id: 'dan', expires_at: at(5) }),
      ]
      for (const row of [parent, ...kids]) await store.insert(row)
      const found = await store.children(parent.id)
      expect(found.map((row) => row.id).sort()).toEqual([kids[0]?.id, kids[2]?.id].sort())
      expect(await store.children('key_nobody')).toEqual([])
      // parent (expires in June) and kids 0 and 2 at minute 4; kid 2 has expired by minute 6.
      expect(await store.countActive('dan', at(4))).toBe(3)
      expect(await store.countActive('dan', at(6))).toBe(2)
    })

    it('records the last use', async () => {
      const row = sampleApiKeyRow({ last_used_at: null })
      await store.insert(row)
      await store.touch(row.id, at(30))
      expect(await store.findById(row.id)).toStrictEqual({ ...row, last_used_at: at(30) })
      await expect(store.touch('key_missing', at(31))).resolves.toBeUndefined()
    })

    it('revokes once: the row drops out of lists but is still found by hash', async () => {
      const row = sampleApiKeyRow()
      await store.insert(row)
      expect(await store.revoke(row.id, at(40))).toBe(true)
      expect(await store.revoke(row.id, at(41))).toBe(false)
      expect(await store.revoke('key_missing', at(41))).toBe(false)
      expect(await store.findByHash(row.hash)).toStrictEqual({ ...row, revoked_at: at(40) })
      expect(await store.list({ user_id: row.user_id })).toEqual([])
    })

    it('lets exactly one of several racing revokes win', async () => {
      const row = sampleApiKeyRow()
      await store.insert(row)
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.revoke(row.id, at(50 + i))),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = at(50 + results.indexOf(true))
      expect((await store.findById(row.id))?.revoked_at).toBe(winner)
    })
  })
}
