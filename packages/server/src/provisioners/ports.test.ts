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
    const first = 50_000 + Math.floor(Math.random() * 10_000)
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
