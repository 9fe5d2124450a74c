import { createClient, type SessionEvent } from '@agentapi-proxy/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'
import { spawnCli, watch } from '../../test/run-cli.ts'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy()
})
afterAll(() => proxy?.close())

function follow(args: string[]) {
  const child = spawnCli(args, { cwd: proxy.dir, env: { AGENTAPI_PROXY_URL: proxy.url } })
  return { child, ...watch(child) }
}

describe('agentapi-proxy watch', () => {
  it('prints one line per change until Ctrl-C', async () => {
    const { child, stdout, stderr, exited } = follow(['watch'])
    await stderr.waitFor(/Watching sessions on/)
    const client = createClient({ baseUrl: proxy.url })
    const { session_id: id } = await client.start({ tags: { team: 'cli' } })
    const short = id.slice(0, 8)
    await stdout.waitFor(new RegExp(`created +${short}  anonymous  starting  -  team=cli`))
    await stdout.waitFor(new RegExp(`status +${short}  anonymous  active`))
    await client.deleteSession(id)
    await stdout.waitFor(new RegExp(`status +${short}  anonymous  stopped`))
    child.kill('SIGINT')
    expect((await exited).code).toBe(0)
  })

  it('prints NDJSON with --json', async () => {
    const { child, stdout, stderr, exited } = follow(['watch', '--json'])
    await stderr.waitFor(/Watching sessions on/)
    const client = createClient({ baseUrl: proxy.url })
    const { session_id: id } = await client.start()
    await stdout.waitFor(/"status":"active"/)
    child.kill('SIGINT')
    const lines = (await exited).stdout.trim().split('\n')
    const events = lines.map((line) => JSON.parse(line) as SessionEvent)
    expect(events[0]).toMatchObject({ type: 'created', session: { session_id: id } })
    expect(events.map((event) => event.id)).toEqual(
      [...events.map((event) => event.id)].sort((a, b) => a - b),
    )
    await client.deleteSession(id)
  })
})

describe('agentapi-proxy list --watch', () => {
  it('in a pipe, prints the table once, then the changes of the sessions it lists', async () => {
    const client = createClient({ baseUrl: proxy.url })
    const { session_id: before } = await client.start({ tags: { list: 'watch' } })
    const { child, stdout, exited } = follow(['list', '--watch', '--tag', 'list=watch'])
    await stdout.waitFor(new RegExp(`ID .*\\n${before.slice(0, 8)}`))
    const { session_id: other } = await client.start({ tags: { list: 'other' } })
    const { session_id: after } = await client.start({ tags: { list: 'watch' } })
    await stdout.waitFor(new RegExp(`created +${after.slice(0, 8)}`))
    await client.deleteSession(before)
    await stdout.waitFor(new RegExp(`status +${before.slice(0, 8)}  anonymous  stopped`))
    child.kill('SIGINT')
    expect((await exited).stdout).not.toContain(other.slice(0, 8))
    await Promise.all([after, other].map((id) => client.deleteSession(id)))
  })
})
