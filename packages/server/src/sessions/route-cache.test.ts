import { describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../store/memory.ts'
import { sampleRecord } from '../store/sample-records.ts'
import { RouteCache } from './route-cache.ts'

function counted() {
  const store = new MemorySessionStore()
  let reads = 0
  const get = store.get.bind(store)
  store.get = (id) => {
    reads++
    return get(id)
  }
  return { store, reads: () => reads, cache: new RouteCache(store, store.changes) }
}

describe('RouteCache', () => {
  it('reads a session once, then again only after its row changed', async () => {
    const { store, reads, cache } = counted()
    const record = sampleRecord({ status: 'active' })
    await store.insert(record)
    expect(await cache.lookup(record.session_id)).toMatchObject({
      url: record.agent_url,
      ownerId: 'alice',
      status: 'active',
    })
    await cache.lookup(record.session_id)
    expect(reads()).toBe(1)
    await store.recordActivity(record.session_id, '2030-01-01T00:00:00.000Z') // not routing
    await cache.lookup(record.session_id)
    expect(reads()).toBe(1)
    await store.update(record.session_id, { status: 'failed', error: 'The agent was killed' })
    expect(await cache.lookup(record.session_id)).toMatchObject({
      status: 'failed',
      reason: 'The agent was killed',
    })
    expect(reads()).toBe(2)
  })

  it('keeps unknown ids until a row with that id appears', async () => {
    const { store, reads, cache } = counted()
    const record = sampleRecord()
    expect(await cache.lookup(record.session_id)).toBeUndefined()
    expect(await cache.lookup(record.session_id)).toBeUndefined()
    expect(reads()).toBe(1)
    await store.insert(record)
    expect(await cache.lookup(record.session_id)).toMatchObject({ status: record.status })
  })

  it('keeps nothing while changes may be missed, and reloads everything after', async () => {
    const { store, reads, cache } = counted()
    const record = sampleRecord()
    await store.insert(record)
    await cache.lookup(record.session_id)
    store.changes.setReliable(false)
    await cache.lookup(record.session_id)
    await cache.lookup(record.session_id)
    expect(reads()).toBe(3)
    store.changes.setReliable(true)
    await cache.lookup(record.session_id)
    await cache.lookup(record.session_id)
    expect(reads()).toBe(4)
  })
})
