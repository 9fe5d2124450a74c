import type { AuditEntry } from '@agentapi-proxy/shared'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AuditStore } from './audit-store.ts'
import { ALREADY_STORED } from './kept-entries.ts'

/** An entry as `AuditLog` writes it, with every field set. */
export function sampleAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `aud_${Math.random().toString(36).slice(2)}`,
    at: '2026-12-07T01:00:00.000Z',
    action: 'session.start',
    user_id: 'alice',
    auth_method: 'api_key',
    target: '5b7d1e52-2f0c-4a53-9d1e-0c3f6b1c8a11',
    source: '2001:db8::7',
    request_id: 'req-1 ✓',
    ...overrides,
  }
}

const at = (minute: number) => `2026-12-07T01:${String(minute).padStart(2, '0')}:00.000Z`

/**
 * What every `AuditStore` does alike, run by each backend's test file against a store with no
 * rows (`open` is called before each test).
 */
export function describeAuditStoreContract(name: string, open: () => Promise<AuditStore>) {
  describe(`${name} audit store`, () => {
    let store: AuditStore
    beforeEach(async () => {
      store = await open()
    })

    it('gives back every field of an entry as written', async () => {
      const entry = sampleAuditEntry({ target: null, source: null, request_id: null })
      const other = sampleAuditEntry({ at: at(2) })
      await store.append(entry)
      await store.append(other)
      expect(await store.list({ limit: 10 })).toEqual([other, entry])
    })

    it('lists newest first, ties by id, and pages without overlap or gap', async () => {
      const entries = [3, 1, 2, 2, 2, 5, 4].map((minute, i) =>
        sampleAuditEntry({ id: `aud_${i}`, at: at(minute) }),
      )
      for (const entry of entries) await store.append(entry)
      const seen: string[] = []
      let after: { at: string; id: string } | undefined
      for (;;) {
        const page = await store.list({ limit: 3, ...(after ? { after } : {}) })
        seen.push(...page.map((entry) => entry.id))
        const last = page.at(-1)
        if (page.length < 3 || !last) break
        after = { at: last.at, id: last.id }
      }
      expect(seen).toEqual(['aud_5', 'aud_6', 'aud_0', 'aud_4', 'aud_3', 'aud_2', 'aud_1'])
    })

    it('filters by user, action, since (inclusive) and until (exclusive), ANDed', async () => {
      await store.append(sampleAuditEntry({ id: 'a', at: at(1), user_id: 'alice' }))
      await store.append(sampleAuditEntry({ id: 'b', at: at(2), user_id: 'bob' }))
      await store.append(
        sampleAuditEntry({ id: 'c', at: at(3), user_id: 'alice', action: 'api_key.create' }),
      )
      await store.append(sampleAuditEntry({ id: 'd', at: at(4), user_id: 'alice' }))
      const ids = async (filter: Parameters<AuditStore['list']>[0]) =>
        (await store.list(filter)).map((entry) => entry.id)
      expect(await ids({ limit: 10, user_id: 'alice' })).toEqual(['d', 'c', 'a'])
      expect(await ids({ limit: 10, action: 'api_key.create' })).toEqual(['c'])
      expect(await ids({ limit: 10, since: at(2), until: at(4) })).toEqual(['c', 'b'])
      expect(
        await ids({ limit: 10, user_id: 'alice', action: 'session.start', since: at(1) }),
      ).toEqual(['d', 'a'])
      expect(await ids({ limit: 10, user_id: 'carol' })).toEqual([])
    })

    it('refuses an id it holds, in words the retry recognises as "already stored"', async () => {
      const entry = sampleAuditEntry()
      await store.append(entry)
      await expect(store.append({ ...entry, action: 'session.delete' })).rejects.toThrow(
        ALREADY_STORED,
      )
      expect(await store.list({ limit: 10 })).toEqual([entry])
    })

    it('prunes the entries from before a time (exclusive), and counts them', async () => {
      for (const [id, minute] of [
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 3],
      ] as const) {
        await store.append(sampleAuditEntry({ id, at: at(minute) }))
      }
      expect(await store.prune(at(3))).toBe(2)
      expect((await store.list({ limit: 10 })).map((entry) => entry.id)).toEqual(['d', 'c'])
      expect(await store.prune(at(3))).toBe(0)
    })
  })
}
