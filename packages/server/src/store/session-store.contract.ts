import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { compareNewestFirst } from './cursor.ts'
import { describeEventLogContract } from './event-log.contract.ts'
import { minutesIn, sampleRecord, sparseRecord } from './sample-records.ts'
import type { SessionRecord } from './session-record.ts'
import type { SessionFilter, SessionStore } from './session-store.ts'

/** How the contract gets a store to test. */
export interface ContractSubject {
  /** A store with no rows; called before each test. */
  open(): Promise<SessionStore>
  /** Called after each test with the store `open` gave. */
  release?(store: SessionStore): Promise<void>
}

/**
 * The behaviour every `SessionStore` shares with the in-memory reference, as one suite that each
 * backend's test file runs against its own store.
 */
export function describeSessionStoreContract(name: string, subject: ContractSubject): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore

    beforeEach(async () => {
      store = await subject.open()
    })
    afterEach(async () => {
      await subject.release?.(store)
    })

    async function insertAll(records: SessionRecord[]): Promise<SessionRecord[]> {
      for (const record of records) await store.insert(record)
      return records
    }

    async function searchAll(filter: Omit<SessionFilter, 'cursor'>): Promise<SessionRecord[][]> {
      const pages: SessionRecord[][] = []
      let cursor: string | undefined
      do {
        const page = await store.search({ ...filter, ...(cursor ? { cursor } : {}) })
        pages.push(page.records)
        cursor = page.next_cursor ?? undefined
      } while (cursor && pages.length < 100)
      return pages
    }

    const ids = (records: SessionRecord[]) => records.map((record) => record.session_id)

    describe('insert and get', () => {
      it('returns every field exactly as written', async () => {
        const record = sampleRecord()
        await store.insert(record)
        expect(await store.get(record.session_id)).toStrictEqual(record)
      })

      it('keeps nulls, false and empty collections', async () => {
        const record = sparseRecord()
        await store.insert(record)
        expect(await store.get(record.session_id)).toStrictEqual(record)
      })

      it('answers null for an unknown session', async () => {
        expect(await store.get('00000000-0000-4000-8000-000000000000')).toBeNull()
      })

      it('hands out copies that callers cannot use to change the store', async () => {
        const record = sampleRecord()
        await store.insert(record)
        const copy = await store.get(record.session_id)
        copy?.log_tail.push('mutated')
        record.tags.team = 'mutated'
        expect(await store.get(record.session_id)).toStrictEqual(
          sampleRecord({ session_id: record.session_id }),
        )
      })
    })

    describe('update', () => {
      it('returns the updated row and keeps it', async () => {
        const record = sampleRecord()
        await store.insert(record)
        const patch = {
          status: 'failed',
          agent_status: null,
          handle: null,
          owner: 'replica-b',
          exit_code: 137,
          error: 'killed',
          initial_message_sent: false,
          environment: { NEW_SECRET_KEY: 's3cr3t', PLAIN: 'x' },
          log_tail: ['boom'],
        } satisfies Partial<SessionRecord>
        const updated = await store.update(record.session_id, patch)
        expect(updated).toStrictEqual({ ...record, ...patch })
        expect(await store.get(record.session_id)).toStrictEqual(updated)
      })

      it('answers null when there is no such session', async () => {
        expect(
          await store.update('00000000-0000-4000-8000-000000000000', { owner: 'b' }),
        ).toBeNull()
      })

      it('never changes the id, and an empty patch returns the row unchanged', async () => {
        const record = sampleRecord()
        await store.insert(record)
        expect(await store.update(record.session_id, { session_id: 'other' })).toStrictEqual(record)
        expect(await store.update(record.session_id, {})).toStrictEqual(record)
        expect(await store.get('other')).toBeNull()
      })

      it('makes new tags searchable and old ones not', async () => {
        const record = sampleRecord({ tags: { team: 'infra' } })
        await store.insert(record)
        await store.update(record.session_id, { tags: { team: 'web', env: 'prod' } })
        const found = await store.search({ tags: { team: 'web', env: 'prod' }, limit: 10 })
        expect(ids(found.records)).toEqual([record.session_id])
        expect((await store.search({ tags: { team: 'infra' }, limit: 10 })).records).toEqual([])
      })
    })

    describe('search', () => {
      it('filters by user, status and several tags at once (ANDed)', async () => {
        const [hit] = await insertAll([
          sampleRecord({ user_id: 'bob', status: 'active', tags: { team: 'a', env: 'prod' } }),
          sampleRecord({ user_id: 'bob', status: 'active', tags: { team: 'a', env: 'dev' } }),
          sampleRecord({ user_id: 'bob', status: 'stopped', tags: { team: 'a', env: 'prod' } }),
          sampleRecord({ user_id: 'carol', status: 'active', tags: { team: 'a', env: 'prod' } }),
          sampleRecord({ user_id: 'bob', status: 'active', tags: { team: 'b', env: 'prod' } }),
        ])
        const tags = { team: 'a', env: 'prod' }
        const page = await store.search({ user_id: 'bob', statuses: ['active'], tags, limit: 10 })
        expect(page).toStrictEqual({ records: [hit], next_cursor: null })
        expect((await store.search({ user_id: 'bob', limit: 10 })).records).toHaveLength(4)
        expect((await store.search({ statuses: ['stopped'], limit: 10 })).records).toHaveLength(1)
        expect((await store.search({ tags, limit: 10 })).records).toHaveLength(3)
        expect((await store.search({ tags: { team: 'a', env: 'qa' }, limit: 10 })).records).toEqual(
          [],
        )
      })

      it('matches any of several statuses, newest first, and none for an empty list', async () => {
        const [starting, active, , suspended] = await insertAll(
          (['starting', 'active', 'stopped', 'suspended', 'failed'] as const).map((status, i) =>
            sampleRecord({ status, started_at: minutesIn(i) }),
          ),
        )
        const live = await store.search({
          statuses: ['active', 'starting', 'suspended'],
          limit: 10,
        })
        expect(ids(live.records)).toEqual([suspended, active, starting].map((r) => r?.session_id))
        const one = await store.search({ statuses: ['active'], limit: 1 })
        expect(ids(one.records)).toEqual([active?.session_id])
        expect(await store.search({ statuses: [], limit: 10 })).toEqual({
          records: [],
          next_cursor: null,
        })
      })

      it('matches tag keys with dots and values exactly, not by prefix or case', async () => {
        const [hit] = await insertAll([
          sampleRecord({ tags: { 'ticket.id': 'OPS-12' } }),
          sampleRecord({ tags: { 'ticket.id': 'ops-12' } }),
          sampleRecord({ tags: { 'ticket.id': 'OPS-123' } }),
          sampleRecord({ tags: { ticket: 'OPS-12' } }),
        ])
        const page = await store.search({ tags: { 'ticket.id': 'OPS-12' }, limit: 10 })
        expect(ids(page.records)).toEqual([hit?.session_id])
      })

      it('lists newest first, and ties by id descending', async () => {
        const tie = minutesIn(5)
        const records = await insertAll([
          sampleRecord({ session_id: 'b-tie', started_at: tie }),
          sampleRecord({ session_id: 'old', started_at: minutesIn(1) }),
          sampleRecord({ session_id: 'new', started_at: minutesIn(9) }),
          sampleRecord({ session_id: 'a-tie', started_at: tie }),
          sampleRecord({ session_id: 'c-tie', started_at: tie }),
        ])
        const page = await store.search({ limit: 10 })
        expect(ids(page.records)).toEqual(['new', 'c-tie', 'b-tie', 'a-tie', 'old'])
        expect(page.records).toHaveLength(records.length)
      })

      it.each([
        ['a user', { user_id: 'pager' }],
        ['a tag', { tags: { batch: 'p' } }],
        ['a user and a tag', { user_id: 'pager', tags: { batch: 'p' } }],
        [
          'two tags and a status',
          { tags: { batch: 'p', kind: 'k' }, statuses: ['active' as const] },
        ],
        ['two statuses', { user_id: 'pager', statuses: ['failed' as const, 'active' as const] }],
      ])(
        'pages by %s with a cursor, without overlaps or gaps, ties included',
        async (_, filter) => {
          const shared = {
            user_id: 'pager',
            status: 'active',
            tags: { batch: 'p', kind: 'k' },
          } as const
          const records = await insertAll(
            Array.from({ length: 23 }, (_, i) =>
              sampleRecord({
                ...shared,
                tags: { ...shared.tags },
                started_at: minutesIn(Math.floor(i / 3)),
              }),
            ),
          )
          await insertAll([
            sampleRecord({
              user_id: 'someone-else',
              tags: { batch: 'q' },
              started_at: minutesIn(4),
            }),
            sampleRecord({ user_id: 'other', status: 'stopped', tags: { batch: 'x', kind: 'k' } }),
          ])
          const pages = await searchAll({ ...filter, limit: 5 })
          expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3])
          const expected = [...records].sort(compareNewestFirst)
          expect(ids(pages.flat())).toEqual(ids(expected))
        },
      )

      it('orders tag filters by the start time an update set', async () => {
        const [early, late] = await insertAll([
          sampleRecord({ tags: { team: 'a' }, started_at: minutesIn(1) }),
          sampleRecord({ tags: { team: 'a' }, started_at: minutesIn(2) }),
        ])
        await store.update(early?.session_id ?? '', { started_at: minutesIn(3) })
        const page = await store.search({ tags: { team: 'a' }, limit: 10 })
        expect(ids(page.records)).toEqual([early?.session_id, late?.session_id])
      })

      it('gives no cursor when the last page is exactly full', async () => {
        await insertAll([sampleRecord(), sampleRecord({ started_at: minutesIn(2) })])
        const page = await store.search({ limit: 2 })
        expect(page.records).toHaveLength(2)
        expect(page.next_cursor).toBeNull()
      })

      it('refuses a forged cursor with invalid_request', async () => {
        const forged = Buffer.from('not a time|x').toString('base64url')
        const error = await store.search({ limit: 5, cursor: forged }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(AppError)
        expect((error as AppError).code).toBe('invalid_request')
      })
    })

    describe('live sessions', () => {
      it('counts and lists starting, active and stopping sessions only', async () => {
        const live = await insertAll([
          sampleRecord({ user_id: 'dave', status: 'starting' }),
          sampleRecord({ user_id: 'dave', status: 'active' }),
          sampleRecord({ user_id: 'erin', status: 'stopping' }),
        ])
        await insertAll(
          (['stopped', 'failed', 'suspended'] as const).map((status) =>
            sampleRecord({ user_id: 'dave', status }),
          ),
        )
        expect(await store.countLive()).toBe(3)
        expect(await store.countLive('dave')).toBe(2)
        expect(await store.countLive('nobody')).toBe(0)
        const listed = await store.listLive()
        expect(ids(listed).sort()).toEqual(ids(live).sort())
        expect(listed.find((r) => r.user_id === 'erin')).toStrictEqual(live[2])
      })
    })

    describe('replicas: admission, leases, activity and changes', () => {
      const limits = { maxSessions: 3, maxSessionsPerUser: 2 }
      const live = (over: Partial<SessionRecord>) =>
        sampleRecord({ status: 'active', stopped_at: null, ...over })

      it('admits up to the limits, counting every live session, and says which limit it hit', async () => {
        await insertAll([live({ user_id: 'alice' }), sampleRecord({ status: 'stopped' })])
        expect(await store.admit(live({ user_id: 'alice' }), limits)).toEqual({ admitted: true })
        const refused = live({ user_id: 'alice' })
        expect(await store.admit(refused, limits)).toEqual({
          admitted: false,
          limit: 'user',
          live: 2,
        })
        expect(await store.get(refused.session_id)).toBeNull()
        expect(await store.admit(live({ user_id: 'bob' }), limits)).toEqual({ admitted: true })
        expect(await store.admit(live({ user_id: 'carol' }), limits)).toEqual({
          admitted: false,
          limit: 'proxy',
          live: 3,
        })
        expect(await store.countLive()).toBe(3)
      })

      it('lets one replica claim a session, and another only once the lease ran out', async () => {
        const [held] = await insertAll([live({ owner: 'a', lease_until: minutesIn(10) })])
        const id = (held as SessionRecord).session_id
        expect(await store.claim(id, 'b', minutesIn(20), minutesIn(5))).toBeNull()
        expect(await store.claim(id, 'a', minutesIn(20), minutesIn(5))).toMatchObject({
          owner: 'a',
          lease_until: minutesIn(20),
        })
        expect(await store.claim(id, 'b', minutesIn(30), minutesIn(21))).toMatchObject({
          owner: 'b',
          lease_until: minutesIn(30),
        })
        const [over] = await insertAll([sampleRecord({ status: 'stopped', owner: null })])
        expect(
          await store.claim((over as SessionRecord).session_id, 'b', minutesIn(9), minutesIn(1)),
        ).toBeNull()
      })

      it("renews only the owner's live leases, and lists the sessions nobody holds", async () => {
        const [mine, theirs, stale, suspended, ended] = await insertAll([
          live({ owner: 'a', lease_until: minutesIn(1) }),
          live({ owner: 'b', lease_until: minutesIn(1) }),
          live({ owner: null, lease_until: null }),
          sampleRecord({ status: 'suspended', owner: null, lease_until: null }),
          sampleRecord({ status: 'stopped', owner: 'a', lease_until: minutesIn(1) }),
        ])
        expect(await store.renewLeases('a', minutesIn(10))).toEqual([
          (mine as SessionRecord).session_id,
        ])
        expect((await store.get((mine as SessionRecord).session_id))?.lease_until).toBe(
          minutesIn(10),
        )
        expect((await store.get((ended as SessionRecord).session_id))?.lease_until).toBe(
          minutesIn(1),
        )
        const unheld = await store.listUnheld(minutesIn(5))
        expect(ids(unheld).sort()).toEqual(
          ids([theirs, stale, suspended] as SessionRecord[]).sort(),
        )
      })

      it('moves last activity forward only', async () => {
        const [record] = await insertAll([live({ last_activity_at: minutesIn(5) })])
        const id = (record as SessionRecord).session_id
        await store.recordActivity(id, minutesIn(3))
        expect((await store.get(id))?.last_activity_at).toBe(minutesIn(5))
        await store.recordActivity(id, minutesIn(7))
        expect((await store.get(id))?.last_activity_at).toBe(minutesIn(7))
      })

      it('tells its change feed about inserts and routing changes, not about activity', async () => {
        const heard: string[] = []
        const stop = store.changes.subscribe((change) => {
          heard.push(change)
        })
        try {
          const record = live({})
          await store.insert(record)
          await store.recordActivity(record.session_id, minutesIn(99))
          await store.update(record.session_id, { status: 'stopping' })
          const deadline = Date.now() + 5_000
          const mentions = () => heard.filter((id) => id === record.session_id).length
          while (mentions() < 2 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 10))
          }
          expect(mentions()).toBe(2)
        } finally {
          stop()
        }
      })
    })

    describe('recovery and retention', () => {
      it('lists sessions by status, newest first', async () => {
        const [older, , newer] = await insertAll([
          sampleRecord({ status: 'suspended', started_at: minutesIn(1) }),
          sampleRecord({ status: 'active', started_at: minutesIn(2) }),
          sampleRecord({ status: 'suspended', started_at: minutesIn(3) }),
        ])
        expect(ids(await store.listWithStatus(['suspended']))).toEqual(
          ids([newer, older] as SessionRecord[]),
        )
        expect(await store.listWithStatus([])).toEqual([])
      })

      it('prunes only sessions that ended before the cutoff, with their tags', async () => {
        const [old, recent, running] = await insertAll([
          sampleRecord({ status: 'stopped', stopped_at: minutesIn(1), tags: { team: 'gone' } }),
          sampleRecord({ status: 'failed', stopped_at: minutesIn(10), tags: { team: 'kept' } }),
          sampleRecord({ status: 'active', stopped_at: null, tags: { team: 'kept' } }),
        ])
        expect(await store.prune(minutesIn(5))).toBe(1)
        expect(await store.get((old as SessionRecord).session_id)).toBeNull()
        expect(await store.get((recent as SessionRecord).session_id)).not.toBeNull()
        expect(await store.get((running as SessionRecord).session_id)).not.toBeNull()
        const gone = await store.search({ limit: 10, tags: { team: 'gone' } })
        expect(gone.records).toEqual([])
        expect(await store.prune(minutesIn(5))).toBe(0)
      })
    })

    describeEventLogContract(() => store)

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}
