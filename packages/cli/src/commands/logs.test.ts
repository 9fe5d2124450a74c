import { eventually } from '@agentapi-proxy/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'
import { spawnCli, watch } from '../../test/run-cli.ts'
import { newLines } from './logs.ts'

describe('newLines', () => {
  it.each([
    { previous: [], current: ['a'], fresh: ['a'] },
    { previous: ['a', 'b'], current: ['a', 'b'], fresh: [] },
    { previous: ['a', 'b', 'c'], current: ['b', 'c', 'd'], fresh: ['d'] },
    { previous: ['a', 'b'], current: ['a', 'b', 'c', 'd'], fresh: ['c', 'd'] },
    { previous: ['x', 'x'], current: ['x', 'x', 'x'], fresh: ['x'] },
    { previous: ['a'], current: ['z'], fresh: ['z'] },
  ])('finds $fresh new after $previous', ({ previous, current, fresh }) => {
    expect(newLines(previous, current)).toEqual(fresh)
  })
})

describe('agentapi-proxy logs --follow', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy()
  })
  afterAll(() => proxy.close())

  it('prints lines as the agent writes them, and ends when the session stops', async () => {
    const id = (await proxy.cli(['start'])).stdout.trim()
    const follow = spawnCli(['logs', id, '--follow'], { env: { AGENTAPI_PROXY_URL: proxy.url } })
    const { stdout, stderr, exited } = watch(follow)
    await stdout.waitFor(/Starting server on port/)
    const before = stdout.text.length
    // Each event stream the echo agent serves logs a "New subscriber" line.
    expect((await proxy.cli(['send', id, 'hi', '--wait'])).code).toBe(0)
    await stdout.waitFor(/New subscriber[^\n]*\n(.*\n)*.*New subscriber/)
    expect(stdout.text.length).toBeGreaterThan(before)
    expect((await proxy.cli(['delete', id])).code).toBe(0)
    const { code } = await exited
    expect(code).toBe(0)
    expect(stderr.text).toMatch(new RegExp(`^Session ${id} is (stopped|gone)\\.\n$`))
  }, 60_000)

  it('with -n N prints the last N lines, then only the new ones', async () => {
    const id = (await proxy.cli(['start'])).stdout.trim()
    const lines = async () => (await proxy.cli(['logs', id])).stdout.split('\n').filter(Boolean)
    await eventually(async () => ((await lines()).length > 3 ? true : undefined))
    const before = await lines()
    const follow = spawnCli(['logs', id, '-f', '-n', '2'], {
      env: { AGENTAPI_PROXY_URL: proxy.url },
    })
    const { stdout, exited } = watch(follow)
    await stdout.waitFor(/(.*\n){2}/)
    expect((await proxy.cli(['send', id, 'hi', '--wait'])).code).toBe(0)
    const after = await lines()
    expect(after.length).toBeGreaterThan(before.length)
    // Each event stream the echo agent serves logs a line: wait until follow has shown them.
    await stdout.waitFor(new RegExp(`(.*\n){${2 + after.length - before.length}}`))
    // Once the session is deleted, follow ends: everything it will ever print is in.
    expect((await proxy.cli(['delete', id])).code).toBe(0)
    const { code } = await exited
    expect(code).toBe(0)
    const printed = stdout.text.split('\n').filter(Boolean)
    // The last two lines, then the new ones in order, and only what came after (the stop).
    expect(printed.slice(0, 2 + after.length - before.length)).toEqual([
      ...before.slice(-2),
      ...after.slice(before.length),
    ])
    // Never the log again from its start (what `logs -f -n 2` once did).
    expect(printed.filter((line) => line === before[0])).toHaveLength(
      before.slice(-2).includes(before[0] as string) ? 1 : 0,
    )
  }, 90_000)
})
