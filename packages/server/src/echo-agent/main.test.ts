import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { UsageError } from './command-line.ts'
import { EventStreamReader, statusIs } from './event-stream-reader.ts'
import { runEchoAgent } from './main.ts'
import { postMessage, probe } from './probe.ts'

function sink() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => {
    text += chunk
  })
  const line = async (pattern: RegExp) => {
    for (;;) {
      const match = pattern.exec(text)
      if (match) return match
      await new Promise((resolve) => stream.once('data', resolve))
    }
  }
  return { stream, text: () => text, line }
}

describe('runEchoAgent', () => {
  it.each([
    [['--version'], 'agentapi version 0.12.1\n'],
    [['server', '--exit', '--', 'claude'], ''],
  ])('prints and returns for %j', async (argv, text) => {
    const out = sink()
    await runEchoAgent(argv, {}, { stdout: out.stream })
    expect(out.text()).toBe(text)
  })

  it('rejects a bad command line with a UsageError', async () => {
    await expect(runEchoAgent(['--port'], {}, { stdout: sink().stream })).rejects.toThrow(
      UsageError,
    )
  })

  it('serves until the agent exits, logging agentapi’s lines with the real port', async () => {
    const out = sink()
    const stdin = Readable.from([Buffer.from('piped prompt')])
    const running = runEchoAgent(
      ['server', '--port', '0', '--', 'aider'],
      { ECHO_AGENT_DELAY_MS: '10' },
      { stdout: out.stream, stdin },
    )
    const [, port] = await out.line(/msg="Starting server on port" port=(\d+)/)
    const url = `http://127.0.0.1:${port}`
    expect(JSON.parse((await probe(`${url}/status`)).body).agent_type).toBe('aider')
    await out.line(/msg="Initial prompt sent successfully"/)
    expect(out.text()).toContain('msg="Read initial prompt from stdin" bytes=12')
    const events = new EventStreamReader(`${url}/events`)
    await events.until(statusIs('stable'))
    events.close()
    await postMessage(url, { content: '/exit', type: 'user' })
    await running
    expect(out.text()).toContain('msg="Cleaned up temporary directory"')
  })
})
