import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'
import { spawnCli, watch } from '../../test/run-cli.ts'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy()
})
afterAll(() => proxy.close())

async function start(): Promise<string> {
  const { code, stdout, stderr } = await proxy.cli(['start'])
  expect(code, stderr).toBe(0)
  return stdout.trim()
}

describe('agentapi-proxy send, messages, status and attach', () => {
  it('talks to a session from start to delete, and Ctrl-C leaves attach with the session still running', async () => {
    const id = await start()

    const sent = await proxy.cli(['send', id, 'hello', 'there'])
    expect(sent).toMatchObject({ code: 0, stdout: '' })
    const waited = await proxy.cli(['send', id.slice(0, 8), '--wait', 'second'])
    expect(waited).toMatchObject({ code: 0, stdout: 'Echo: second\n' })

    const messages = await proxy.cli(['messages', id])
    expect(messages.code).toBe(0)
    expect(messages.stdout).toMatch(
      /^user · .*\n {2}hello there\n\nagent · .*\n {2}Echo: hello there\n/m,
    )
    const json = JSON.parse((await proxy.cli(['messages', id, '--json'])).stdout)
    expect(
      json.messages.map((m: { role: string; content: string }) => [m.role, m.content]),
    ).toEqual([
      ['agent', expect.any(String)],
      ['user', 'hello there'],
      ['agent', 'Echo: hello there'],
      ['user', 'second'],
      ['agent', 'Echo: second'],
    ])

    const attach = spawnCli(['attach', id], {
      stdin: 'pipe',
      env: { AGENTAPI_PROXY_URL: proxy.url },
    })
    const { stdout, stderr, exited } = watch(attach)
    await stderr.waitFor(/Attached to session/)
    // The conversation so far comes first.
    await stdout.waitFor(/Echo: second\n/)
    attach.stdin?.write('from attach\n')
    await stdout.waitFor(/agent · .*\n {2}Echo: from attach\n/)
    // The line typed is not printed again as a user message.
    expect(stdout.text).not.toMatch(/user · .*\n {2}from attach/)
    attach.kill('SIGINT')
    expect((await exited).code).toBe(0)
    expect(stderr.text).toContain(`Detached; session ${id} keeps running.`)

    const session = JSON.parse((await proxy.cli(['get', id, '--json'])).stdout)
    expect(session.status).toBe('active')
    expect(await proxy.cli(['status', id])).toMatchObject({ code: 0, stdout: 'stable\n' })
    expect(JSON.parse((await proxy.cli(['status', id, '--json'])).stdout).status).toBe('stable')

    expect((await proxy.cli(['delete', id])).code).toBe(0)
    // Said as what it is, not as a typo in the id.
    for (const verb of [
      ['status', id],
      ['send', id, 'anyone?'],
      ['messages', id],
    ]) {
      const gone = await proxy.cli(verb)
      expect(gone.code).toBe(3)
      expect(gone.stderr).toMatch(new RegExp(`^error: session ${id} is stopped — `))
      expect(gone.stderr).toContain(`agentapi-proxy logs ${id}`)
    }
    const unknown = await proxy.cli(['status', '00000000-0000-4000-8000-000000000000'])
    expect(unknown.stderr).toMatch(/not found/)
  }, 60_000)

  it('attach sends piped lines and, at EOF, leaves once the last reply is printed (as JSON lines with --json)', async () => {
    const id = await start()
    const { code, stdout } = await proxy.cli(['attach', id, '--json'], { input: 'one\ntwo\n' })
    expect(code).toBe(0)
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.filter((m) => m.role === 'agent').map((m) => m.content)).toEqual([
      expect.stringContaining('ready'),
      'Echo: one',
      'Echo: two',
    ])
    expect(JSON.parse((await proxy.cli(['get', id, '--json'])).stdout).status).toBe('active')
  }, 30_000)

  it('send reads the message from stdin with -, and refuses an empty one', async () => {
    const id = await start()
    const piped = await proxy.cli(['send', id, '-', '--wait'], { input: 'line one\nline two\n' })
    expect(piped.code).toBe(0)
    expect(piped.stdout).toContain('Echo: line one')
    const empty = await proxy.cli(['send', id, '-'], { input: '\n' })
    expect(empty).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: nothing to send/),
    })
  })
})
