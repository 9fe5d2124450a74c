import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'
import { runOnTerminal } from '../../test/terminal.ts'

describe('agentapi-proxy attach on a terminal', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy()
  })
  afterAll(() => proxy.close())

  /** Attaches to a new session on a terminal and has two messages answered. */
  async function attachedAfterTwoMessages() {
    const id = (await proxy.cli(['start'])).stdout.trim()
    const attached = runOnTerminal(['attach', id], { AGENTAPI_PROXY_URL: proxy.url })
    await attached.screen.waitFor(/Attached to session/)
    attached.type('first message\n')
    await attached.screen.waitFor(/Echo: first message/, 30_000)
    attached.type('second message\n')
    await attached.screen.waitFor(/Echo: second message/, 30_000)
    return { id, ...attached }
  }

  it('leaves at once on Ctrl-C after two messages; the session keeps running', async () => {
    const { id, type, exited } = await attachedAfterTwoMessages()
    const pressed = Date.now()
    type('\x03')
    const { code, stdout } = await exited
    expect(Date.now() - pressed).toBeLessThan(5_000)
    expect(code).toBe(0)
    expect(stdout).toContain(`Detached; session ${id} keeps running.`)
    const session = JSON.parse((await proxy.cli(['get', id, '--json'])).stdout)
    expect(session.status).toBe('active')
  }, 90_000)

  it('on Ctrl-D sends what was typed, prints its reply, then leaves', async () => {
    const { id, type, exited, screen } = await attachedAfterTwoMessages()
    type('third message\n')
    type('\x04')
    const pressed = Date.now()
    const { code } = await exited
    expect(Date.now() - pressed).toBeLessThan(20_000)
    expect(code).toBe(0)
    // The reply to the line typed just before Ctrl-D came before the goodbye.
    expect(screen.text).toMatch(/Echo: third message[\s\S]*Detached; session/)
    const { stdout } = await proxy.cli(['messages', id])
    expect(stdout.match(/Echo: (first|second|third) message/g)).toEqual([
      'Echo: first message',
      'Echo: second message',
      'Echo: third message',
    ])
  }, 90_000)
})
