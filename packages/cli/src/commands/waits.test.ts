import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'
import { runOnTerminal } from '../../test/terminal.ts'

// What erases the spinner's line before the result is printed on it.
const ERASE = '\r\u001b[2K'
// A spinner frame, then what is waited for, redrawn on one line.
const SPINNER = (text: string) => new RegExp(`\\r\\u001b\\[2K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ${text}`)

describe('the waits of start, send --wait and delete', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy()
  })
  afterAll(() => proxy.close())

  /** Runs the CLI on a terminal to its end; what the terminal showed. */
  async function onTerminal(args: string[]): Promise<string> {
    const { exited } = runOnTerminal(args, { AGENTAPI_PROXY_URL: proxy.url })
    const { code, stdout } = await exited
    expect(code, stdout).toBe(0)
    return stdout
  }

  it('show a spinner on a terminal, and end with the result', async () => {
    const started = await onTerminal(['start'])
    expect(started).toMatch(SPINNER('Starting session [0-9a-f]{8} \\(\\d+'))
    const [, id] = started.match(/✔ Session ([0-9a-f-]{36}) is active/) ?? []
    expect(started).toContain(`\r\n${id}\r\n`)

    const replied = await onTerminal(['send', id as string, 'hello there', '--wait'])
    expect(replied).toMatch(SPINNER(`Waiting for the reply of session ${id?.slice(0, 8)}`))
    expect(replied.endsWith(`${ERASE}Echo: hello there\r\n`), replied).toBe(true)

    const deleted = await onTerminal(['delete', id as string])
    expect(deleted).toMatch(SPINNER(`Stopping session ${id?.slice(0, 8)}`))
    expect(deleted.endsWith(`${ERASE}Session ${id} terminated\r\n`), deleted).toBe(true)
  }, 120_000)

  it('print at most one plain line per step in a pipe: no frames, no escape codes', async () => {
    const started = await proxy.cli(['start'])
    const id = started.stdout.trim()
    const replied = await proxy.cli(['send', id, 'hello there', '--wait'])
    expect(replied.stdout).toBe('Echo: hello there\n')
    const deleted = await proxy.cli(['delete', id])
    expect(deleted.stdout).toBe(`Session ${id} terminated\n`)
    expect([started.stderr, replied.stderr, deleted.stderr]).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Starting session ${id.slice(0, 8)}…\\nSession ${id} is active \\(\\d[^\\n]*\\)\\n$`,
        ),
      ),
      `Waiting for the reply of session ${id.slice(0, 8)}…\n`,
      `Stopping session ${id.slice(0, 8)}…\n`,
    ])
  }, 120_000)
})
