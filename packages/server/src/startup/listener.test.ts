import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { bindListener } from './listener.ts'
import { StartupError } from './startup-error.ts'

describe('bindListener', () => {
  it('holds a request that arrives before start-up is done, then answers it', async () => {
    const bound = await bindListener('127.0.0.1', 0, (handler) => createHttpServer(handler))
    try {
      const answered = fetch(`http://127.0.0.1:${bound.port}/health`).then((res) => res.text())
      await new Promise((resolve) => setTimeout(resolve, 200))
      bound.serve((_req, res) => res.end('ready'))
      expect(await answered).toBe('ready')
    } finally {
      await bound.close()
    }
  })

  it('turns a busy port into a StartupError that says what to do', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const { port } = holder.address() as { port: number }
    try {
      await expect(
        bindListener('127.0.0.1', port, (handler) => createHttpServer(handler)),
      ).rejects.toEqual(
        new StartupError(
          `port ${port} is in use on 127.0.0.1`,
          'stop the other process or pass --port',
        ),
      )
    } finally {
      await new Promise((resolve) => holder.close(resolve))
    }
  })
})
