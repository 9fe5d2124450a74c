import { describe, expect, it } from 'vitest'
import { sampleRecord } from './sample-records.ts'
import type { SessionStore } from './session-store.ts'

/**
 * The event log every store keeps: part of the store contract (session-store.contract.ts).
 * Ids are compared relative to the log's position before each test: a shared PostgreSQL
 * sequence does not start again.
 */
export function describeEventLogContract(current: () => SessionStore): void {
  describe('event log', () => {
    const since = async (after: number) => (await current().eventsAfter(after, 100)).events

    it('records created, status and agent_status changes, in order, with the summary after', async () => {
      const store = current()
      const start = (await store.eventsAfter(0, 1)).latest_id
      const record = sampleRecord({ status: 'starting', agent_status: null, stopped_at: null })
      await store.admit(record, { maxSessions: 10, maxSessionsPerUser: 10 })
      await store.update(record.session_id, { status: 'active', agent_status: null })
      await store.update(record.session_id, { agent_status: 'running' })
      await store.update(record.session_id, { agent_status: 'running', last_activity_at: 'x' })
      await store.update(record.session_id, { tags: { team: 'ops' } })
      await store.update(record.session_id, { status: 'stopped', agent_status: null })
      const events = await since(start)
      expect(events.map((e) => [e.type, e.session.status, e.session.agent_status])).toEqual([
        ['created', 'starting', null],
        ['status', 'active', null],
        ['agent_status', 'active', 'running'],
        ['status', 'stopped', null],
      ])
      expect(events.every((e) => e.session.session_id === record.session_id)).toBe(true)
      expect(events[3]?.session.tags).toEqual({ team: 'ops' })
      const ids = events.map((e) => e.id)
      expect(ids).toEqual([...ids].sort((a, b) => a - b))
      expect(new Set(ids).size).toBe(4)
      expect(ids[0]).toBeGreaterThan(start)
      const page = await store.eventsAfter(ids[1] as number, 1)
      expect(page.events.map((e) => e.id)).toEqual([ids[2]])
      expect(page.latest_id).toBe(ids[3])
    })

    it('records a deleted event for each pruned session', async () => {
      const store = current()
      const start = (await store.eventsAfter(0, 1)).latest_id
      const old = sampleRecord({ status: 'stopped', stopped_at: '2026-01-01T00:00:00.000Z' })
      await store.insert(old)
      await store.prune('2026-02-01T00:00:00.000Z')
      const events = await since(start)
      expect(events.map((e) => [e.type, e.session.session_id])).toEqual([
        ['created', old.session_id],
        ['deleted', old.session_id],
      ])
    })

    it('prunes by age but always keeps the newest event, and tells its feed of new ones', async () => {
      const store = current()
      const heard: number[] = []
      const stop = store.changes.subscribeEvents((id) => heard.push(id))
      try {
        await store.insert(sampleRecord())
        await store.insert(sampleRecord())
        const { latest_id } = await store.eventsAfter(0, 1)
        expect(
          await store.pruneEvents(new Date(Date.now() + 60_000).toISOString()),
        ).toBeGreaterThan(0)
        const page = await store.eventsAfter(0, 10)
        expect(page).toMatchObject({ first_id: latest_id, latest_id })
        expect(page.events.map((e) => e.id)).toEqual([latest_id])
        const deadline = Date.now() + 5_000
        while (!heard.includes(latest_id) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        expect(heard).toContain(latest_id)
      } finally {
        stop()
      }
    })
  })
}
