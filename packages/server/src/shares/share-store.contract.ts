import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ContractSubject } from '../auth/api-key-store.contract.ts'
import { hashSecret } from '../auth/secret.ts'
import type { ShareRow, ShareStore } from './share-store.ts'

/** A share row as {@link ShareService} writes it, with every field set. */
export function sampleShareRow(overrides: Partial<ShareRow> = {}): ShareRow {
  const token = `aas_${randomBytes(32).toString('base64url')}`
  return {
    id: `shr_${randomBytes(12).toString('base64url')}`,
    session_id: randomUUID(),
    prefix: token.slice(0, 12),
    hash: hashSecret(token),
    created_by: 'alice — "ops" ✓',
    created_at: '2026-03-01T10:00:00.000Z',
    expires_at: '2026-03-02T10:00:00.000Z',
    revoked_at: null,
    ...overrides,
  }
}

const at = (hour: number) => new Date(Date.UTC(2026, 2, 1, hour)).toISOString()

/**
 * The behaviour every `ShareStore` shares with {@link MemoryShareStore}, run by each backend's
 * test file against its own store.
 */
export function describeShareStoreContract(name: string, subject: ContractSubject<ShareStore>) {
  describe(`ShareStore contract: ${name}`, () => {
    let store: ShareStore
    beforeEach(async () => {
      store = await subject.open()
    })
    afterEach(async () => {
      await subject.release?.(store)
    })

    it('returns every field as written, by hash', async () => {
      const row = sampleShareRow()
      await store.insert(row)
      expect(await store.findByHash(row.hash)).toStrictEqual(row)
      expect(await store.findByHash(hashSecret('aas_other'))).toBeUndefined()
    })

    it('refuses a second row with the same id or the same hash', async () => {
      const row = sampleShareRow()
      await store.insert(row)
      await expect(store.insert({ ...row, hash: hashSecret('x') })).rejects.toThrow()
      await expect(store.insert(sampleShareRow({ hash: row.hash }))).rejects.toThrow()
    })

    it("lists one session's unrevoked, unexpired links, oldest first", async () => {
      const session = randomUUID()
      const later = sampleShareRow({ session_id: session, created_at: at(3) })
      const earlier = sampleShareRow({ session_id: session, created_at: at(1) })
      const expired = sampleShareRow({ session_id: session, expires_at: at(4) })
      const revoked = sampleShareRow({ session_id: session, revoked_at: at(2) })
      const other = sampleShareRow()
      for (const row of [later, earlier, expired, revoked, other]) await store.insert(row)
      const listed = await store.listActive(session, at(5))
      expect(listed.map((row) => row.id)).toStrictEqual([earlier.id, later.id])
    })

    it('revokes one link of the session once, and never another session’s', async () => {
      const row = sampleShareRow()
      await store.insert(row)
      expect(await store.revoke(randomUUID(), row.id, at(2))).toBe(false)
      expect(await store.revoke(row.session_id, row.id, at(2))).toBe(true)
      expect(await store.revoke(row.session_id, row.id, at(3))).toBe(false)
      expect((await store.findByHash(row.hash))?.revoked_at).toBe(at(2))
      expect(await store.listActive(row.session_id, at(1))).toStrictEqual([])
    })

    it('revokes every link of a session and says which', async () => {
      const session = randomUUID()
      const rows = [
        sampleShareRow({ session_id: session }),
        sampleShareRow({ session_id: session }),
      ]
      const gone = sampleShareRow({ session_id: session, revoked_at: at(1) })
      const other = sampleShareRow()
      for (const row of [...rows, gone, other]) await store.insert(row)
      const revoked = await store.revokeAll(session, at(2))
      expect(revoked.sort()).toStrictEqual(rows.map((row) => row.id).sort())
      expect(await store.revokeAll(session, at(3))).toStrictEqual([])
      expect(await store.listActive(other.session_id, at(2))).toHaveLength(1)
    })

    it('tells which of some ids still work', async () => {
      const live = sampleShareRow()
      const revoked = sampleShareRow({ revoked_at: at(2) })
      const expired = sampleShareRow({ expires_at: at(3) })
      for (const row of [live, revoked, expired]) await store.insert(row)
      const ids = [live.id, revoked.id, expired.id, 'shr_missing']
      expect(await store.stillActive(ids, at(4))).toStrictEqual([live.id])
      expect(await store.stillActive([], at(4))).toStrictEqual([])
    })

    it('sweeps the rows expired by a time, revoked or not, and keeps the rest', async () => {
      const old = sampleShareRow({ expires_at: at(2) })
      const oldRevoked = sampleShareRow({ expires_at: at(3), revoked_at: at(1) })
      const live = sampleShareRow({ expires_at: at(9) })
      for (const row of [old, oldRevoked, live]) await store.insert(row)
      expect(await store.sweep(at(3))).toBe(2)
      expect(await store.findByHash(old.hash)).toBeUndefined()
      expect(await store.findByHash(oldRevoked.hash)).toBeUndefined()
      expect(await store.findByHash(live.hash)).toStrictEqual(live)
    })
  })
}
