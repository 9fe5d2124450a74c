import type { AuditEntry } from '@agentapi-proxy/shared'
import { describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import { user } from '../../test/sessions-fixture.ts'
import { eventually } from '../testing/eventually.ts'
import { AuditLog } from './audit-log.ts'
import { type AuditFilter, type AuditStore, MemoryAuditStore } from './audit-store.ts'

/**
 * The memory store behind a switch, as a database that goes away and comes back: while `down`,
 * appends fail as a lost connection would (`landed` makes the row land before the failure, as
 * when only the answer is lost).
 */
class OutageStore implements AuditStore {
  readonly inner = new MemoryAuditStore()
  down = false
  landed = false
  async append(entry: AuditEntry): Promise<void> {
    if (this.down && this.landed) await this.inner.append(entry)
    if (this.down) throw Object.assign(new Error('Connection terminated'), { code: '57P01' })
    await this.inner.append(entry)
  }
  list(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.inner.list(filter)
  }
  prune(before: string): Promise<number> {
    return this.inner.prune(before)
  }
}

const alice = user('alice')
const event = (target: string) =>
  ({ action: 'session.start', principal: alice, target, source: '127.0.0.1' }) as const

describe('AuditLog when the store is briefly unavailable', () => {
  it('does not fail the action, keeps the entry, says so, and stores it when the store is back', async () => {
    const store = new OutageStore()
    const logs = captureLogs()
    const audit = new AuditLog({ store, logger: logs.logger })
    store.down = true
    await expect(audit.record(event('s1'))).resolves.toBeUndefined()
    await audit.record(event('s2'))
    expect(audit.pending).toBe(2)
    await expect(audit.ping()).rejects.toThrow(/2 audit entries kept/)
    expect(logs.text()).toContain('audit entry kept for retry')
    store.down = false
    await eventually(async () => (audit.pending === 0 ? true : undefined))
    const stored = await store.list({ limit: 10 })
    // In the order they happened, each once.
    expect(stored.map((entry) => entry.target)).toEqual(['s2', 's1'])
    await expect(audit.ping()).resolves.toBeUndefined()
    await audit.close()
  })

  it('stores an entry once when its first write landed but the answer was lost', async () => {
    const store = new OutageStore()
    const audit = new AuditLog({ store, logger: captureLogs().logger })
    store.down = true
    store.landed = true
    await audit.record(event('s1'))
    store.down = false
    await eventually(async () => (audit.pending === 0 ? true : undefined))
    expect(await store.list({ limit: 10 })).toHaveLength(1)
    await audit.close()
  })

  it('logs whole, at error level, every entry it has to give up on', async () => {
    const store = new OutageStore()
    const logs = captureLogs()
    const audit = new AuditLog({ store, logger: logs.logger, maxKept: 2 })
    store.down = true
    for (const target of ['s1', 's2', 's3']) await audit.record(event(target))
    expect(audit.pending).toBe(2)
    expect(audit.lost).toBe(1)
    await audit.close(200)
    expect(audit.lost).toBe(3)
    const lost = logs.lines().filter((line) => line.msg === 'audit entry not stored')
    expect(lost.map((line) => (line.audit as AuditEntry).target)).toEqual(['s1', 's2', 's3'])
    expect(lost.every((line) => line.level === 50)).toBe(true)
  })
})

describe('AuditLog retention', () => {
  const DAY = 86_400_000
  const now = Date.parse('2026-12-07T12:00:00.000Z')

  it('deletes the entries older than audit.retention, at start and on demand', async () => {
    const store = new MemoryAuditStore()
    const logs = captureLogs()
    // Written 40 and 20 days ago by a log that keeps everything.
    for (const daysAgo of [40, 20]) {
      const past = new AuditLog({ store, logger: logs.logger, clock: () => now - daysAgo * DAY })
      await past.record(event(`${daysAgo}d`))
    }
    const audit = new AuditLog({
      store,
      logger: logs.logger,
      retentionMs: 30 * DAY,
      clock: () => now,
    })
    try {
      await audit.record(event('today'))
      // The prune at start runs in the background.
      await eventually(async () =>
        (await store.list({ limit: 10 })).length === 2 ? true : undefined,
      )
      expect((await store.list({ limit: 10 })).map((entry) => entry.target)).toEqual([
        'today',
        '20d',
      ])
      expect(logs.lines().some((line) => line.msg === 'pruned the audit log')).toBe(true)
      expect(await audit.prune()).toBe(0)
    } finally {
      await audit.close()
    }
  })

  it('keeps everything when the retention is 0 (the default)', async () => {
    const store = new MemoryAuditStore()
    const old = new AuditLog({ store, logger: captureLogs().logger, clock: () => now - 999 * DAY })
    await old.record(event('ancient'))
    const audit = new AuditLog({ store, logger: captureLogs().logger, clock: () => now })
    expect(await audit.prune()).toBe(0)
    expect(await store.list({ limit: 10 })).toHaveLength(1)
    await audit.close()
  })
})
