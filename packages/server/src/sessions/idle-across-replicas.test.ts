import { describe, expect, it } from 'vitest'
import { eventually, user, useSessionServices } from '../../test/sessions-fixture.ts'
import { MemorySessionStore } from '../store/memory.ts'

const alice = user('alice')
const newService = useSessionServices()

describe('idle culling across replicas', () => {
  it('keeps a session proxied only through another replica, and culls it once nobody uses it', async () => {
    const store = new MemorySessionStore()
    const replica = (id: string) => ({ id, leaseMs: 15_000, exclusive: false })
    const limits = { idleTimeoutMs: 2_000 }
    const a = newService({ store, replica: replica('a'), limits }).service
    const b = newService({ store, replica: replica('b'), limits }).service
    const { session_id: id } = await a.start(alice, {})
    await eventually(async () => ((await a.get(alice, id)).status === 'active' ? true : undefined))

    // Traffic through B alone, for twice the idle timeout: A never sees a request.
    const until = Date.now() + 4_500
    while (Date.now() < until) {
      expect((await b.lookup(id))?.status).toBe('active')
      b.touch(id)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect((await a.get(alice, id)).status).toBe('active')

    const stopped = await eventually(async () => {
      const session = await a.get(alice, id)
      return session.status === 'stopped' ? session : undefined
    }, 10_000)
    expect(stopped.error).toMatch(/without proxied traffic/)
  }, 30_000)
})
