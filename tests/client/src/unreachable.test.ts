import { createServer } from 'node:net'
import { createClient, ServerUnreachableError } from '@agentapi-proxy/client'
import { describe, expect, it } from 'vitest'

/** A port nothing listens on: bound, read, and closed again. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 0
}

describe('an unreachable server', () => {
  it('is a ServerUnreachableError that names the method, the full URL and the network code', async () => {
    const base = `http://127.0.0.1:${await deadPort()}/proxy`
    const client = createClient({ baseUrl: base, retry: 0 })
    const error = await client.search().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerUnreachableError)
    expect(error).toBeInstanceOf(TypeError) // code written against fetch keeps working
    expect(error).toMatchObject({
      name: 'ServerUnreachableError',
      method: 'GET',
      code: 'ECONNREFUSED',
    })
    const { url, message } = error as ServerUnreachableError
    expect(url.startsWith(`${base}/search`)).toBe(true)
    expect(message).toContain(`GET ${base}/search`)
    expect(message).toContain('cannot reach the server (ECONNREFUSED)')
  })
})
