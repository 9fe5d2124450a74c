import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { PortAllocator } from './ports.ts'

describe('PortAllocator', () => {
  it('hands out distinct ports to concurrent reservations, from the first port up', async () => {
    const first = 40_000 + Math.floor(Math.random() * 10_000)
    const ports = new PortAllocator(first, 100)
    const got = await Promise.all(Array.from({ length: 20 }, () => ports.reserve()))
    expect(new Set(got).size).toBe(20)
    expect(Math.min(...got)).toBeGreaterThanOrEqual(first)
  })

  it('skips a port another program listens on, and reuses a released one', async () => {
    // Above the ephemeral range (32768–60999 on Linux): no outgoing connection or port-0
    // listener of a concurrent test can take first + 1 in the middle of this test.
    const first = 61_000 + Math.floor(Math.random() * 4_000)
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(first, resolve))
    try {
      const ports = new PortAllocator(first, 2)
      const port = await ports.reserve()
      expect(port).toBe(first + 1)
      await expect(ports.reserve()).rejects.toThrow(/no free port/)
      ports.release(port)
      expect(await ports.reserve()).toBe(first + 1)
    } finally {
      squatter.close()
    }
  })
})
