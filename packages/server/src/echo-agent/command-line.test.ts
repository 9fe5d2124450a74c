import { describe, expect, it } from 'vitest'
import { parseEchoAgentArgs, UsageError } from './command-line.ts'
import { resolveSettings } from './settings.ts'

const serve = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const command = parseEchoAgentArgs(argv, env)
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${command.kind}`)
  return command.options
}

describe('parseEchoAgentArgs', () => {
  it.each([
    [['--port', '9001', '--type', 'claude'], { port: 9001, type: 'claude' }],
    [['server', '--port', '9001', '--', 'claude'], { port: 9001, agentCommand: ['claude'] }],
    [
      ['server', '--port=9001', '--', 'claude', '--model', 'x'],
      { port: 9001, agentCommand: ['claude', '--model', 'x'] },
    ],
    [['-p', '9001', '-t', 'goose'], { port: 9001, type: 'goose' }],
    [['-p9001', '-t=aider'], { port: 9001, type: 'aider' }],
    [
      ['-a', 'a.example,b.example', '--allowed-hosts', 'c.example'],
      { allowedHosts: ['a.example', 'b.example', 'c.example'] },
    ],
    [
      ['-I', 'hello there', '-c', '/p/x/chat'],
      { initialPrompt: 'hello there', chatBasePath: '/p/x/chat' },
    ],
    [['--echo-delay-ms', '20', '--echo-never-ready'], { delayMs: 20, neverReady: true }],
    [['-v', '-W', '100'], { termWidth: 100 }],
  ])('reads %j', (argv, options) => {
    expect(serve(argv)).toEqual(options)
  })

  it('reads AGENTAPI_* and ECHO_AGENT_* variables, lists split on whitespace', () => {
    const env = {
      AGENTAPI_PORT: '9002',
      AGENTAPI_TYPE: 'codex',
      AGENTAPI_ALLOWED_HOSTS: 'a.example  b.example',
      AGENTAPI_ALLOWED_ORIGINS: '*',
      AGENTAPI_INITIAL_PROMPT: 'go',
      AGENTAPI_CHAT_BASE_PATH: '/c',
      ECHO_AGENT_DELAY_MS: '15',
      ECHO_AGENT_SETTLE_MS: '30',
      ECHO_AGENT_NEVER_READY: 'true',
    }
    expect(serve([], env)).toEqual({
      port: 9002,
      type: 'codex',
      allowedHosts: ['a.example', 'b.example'],
      allowedOrigins: ['*'],
      initialPrompt: 'go',
      chatBasePath: '/c',
      delayMs: 15,
      settleMs: 30,
      neverReady: true,
    })
  })

  it('lets a flag beat its variable and ignores empty variables', () => {
    expect(serve(['--port', '9003'], { AGENTAPI_PORT: '9002', AGENTAPI_TYPE: '' })).toEqual({
      port: 9003,
    })
  })

  it.each([
    [['--version'], 'agentapi version 0.12.1\n'],
    [['--exit', '--port', '9001'], ''],
  ])('prints for %j', (argv, text) => {
    expect(parseEchoAgentArgs(argv, {})).toEqual({ kind: 'print', text })
  })

  it('prints help that names the echo agent’s own variables', () => {
    const command = parseEchoAgentArgs(['server', '--help'], {})
    expect(command.kind).toBe('print')
    expect(command.kind === 'print' && command.text).toContain('ECHO_AGENT_DELAY_MS')
  })

  it.each([
    [['--nope'], 'unknown flag: --nope'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['--port'], 'flag needs an argument: --port'],
    [
      ['--port', 'abc'],
      'invalid argument "abc" for "-p, --port" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      ['--state-file', 'x.json'],
      '--state-file is an agentapi feature the echo agent does not fake',
    ],
    [['-P', 'x'], '-P is an agentapi feature the echo agent does not fake'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseEchoAgentArgs(argv, {})).toThrow(new UsageError(message))
  })

  it('refuses a malformed variable, naming it', () => {
    expect(() => parseEchoAgentArgs([], { ECHO_AGENT_DELAY_MS: 'soon' })).toThrow(
      'ECHO_AGENT_DELAY_MS',
    )
  })
})

describe('resolveSettings', () => {
  it('fills in agentapi’s defaults', () => {
    const settings = resolveSettings({})
    expect(settings).toMatchObject({
      port: 3284,
      agentType: 'custom',
      chatBasePath: '/chat',
      allowedHosts: ['localhost', '127.0.0.1', '::1'],
      allowedOrigins: ['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001'],
      termWidth: 80,
      timings: { startupMs: 500, ackMs: 500, chunkIntervalMs: 500, settleMs: 500, chunks: 3 },
    })
  })

  it.each([
    [{ type: 'q' }, 'amazonq'],
    [{ type: 'cursor-agent' }, 'cursor'],
    [{ agentCommand: ['claude', '--x'] }, 'claude'],
    [{ agentCommand: ['/usr/bin/claude'] }, 'custom'],
    [{ type: 'goose', agentCommand: ['claude'] }, 'goose'],
  ])('derives the agent type from %j', (options, agentType) => {
    expect(resolveSettings(options).agentType).toBe(agentType)
  })

  it('lets one delay set every phase and each phase override it', () => {
    expect(resolveSettings({ delayMs: 10, settleMs: 40 }).timings).toEqual({
      startupMs: 10,
      ackMs: 10,
      chunkIntervalMs: 10,
      settleMs: 40,
      chunks: 3,
    })
  })

  it.each([
    [{ type: 'robot' }, 'failed to parse agent type: invalid agent type: robot'],
    [{ termWidth: 9 }, 'term width must be at least 10'],
    [
      { allowedHosts: [] },
      'failed to create server: failed to parse allowed hosts: the list must not be empty',
    ],
    [
      { allowedHosts: ['x:1'] },
      "failed to create server: failed to parse allowed hosts: 'x:1' must not include a port",
    ],
  ])('refuses %j with agentapi’s message', (options, message) => {
    expect(() => resolveSettings(options)).toThrow(message)
  })
})
