import { closedPort } from '@agentapi-proxy/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startProxy, type TestProxy } from '../../test/proxy.ts'
import { runCli, spawnCli } from '../../test/run-cli.ts'

const COMMANDS = [
  ['server'],
  ['start'],
  ['list'],
  ['watch'],
  ['get'],
  ['logs'],
  ['delete'],
  ['send'],
  ['messages'],
  ['status'],
  ['attach'],
  ['keys'],
  ['keys', 'create'],
  ['keys', 'list'],
  ['keys', 'revoke'],
  ['login'],
  ['logout'],
  ['whoami'],
  ['profiles'],
  ['profiles', 'list'],
  ['profiles', 'use'],
  ['profiles', 'remove'],
  ['openapi'],
  ['completion'],
  ['echo-agent'],
  ['share'],
  ['audit'],
  ['mcp'],
]

describe('agentapi-proxy (every command)', () => {
  it.each(COMMANDS.map((command) => [command.join(' '), command]))(
    '%s --help prints its usage and examples within 80 columns and exits 0',
    async (name, command) => {
      const { code, stdout } = await runCli([...(command as string[]), '--help'], {
        env: { COLUMNS: '80' },
      })
      expect(code).toBe(0)
      expect(stdout).toContain(`USAGE\n  agentapi-proxy ${name}`)
      // These read the server and the credential from the profile, not from --url.
      const local = ['logout', 'profiles', 'profiles list', 'profiles use', 'profiles remove']
      if (!['server', 'echo-agent', 'keys', 'completion', ...local].includes(name as string)) {
        expect(stdout).toContain('--url')
        expect(stdout).toContain('--json')
      }
      const examples = stdout.split('EXAMPLES\n')[1]?.split('\n\n')[0]?.split('\n') ?? []
      expect(
        examples.filter((line) => line.startsWith('  agentapi-proxy ')).length,
      ).toBeGreaterThan(0)
      for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80)
    },
  )

  it('wraps help to COLUMNS at spaces, never inside a word, and pads no line', async () => {
    const narrow = await runCli(['list', '--help'], { env: { COLUMNS: '50' } })
    const wide = await runCli(['list', '--help'], { env: { COLUMNS: '100' } })
    // Examples go on over lines that end in a backslash, which is no word.
    const words = (text: string) => text.split(/\s+/).filter((word) => word && word !== '\\')
    // The same words in the same order: a line break only ever replaced a space.
    expect(words(narrow.stdout)).toEqual(words(wide.stdout))
    for (const line of narrow.stdout.split('\n')) {
      expect(line.length, line).toBeLessThanOrEqual(50)
      expect(line).toBe(line.trimEnd())
    }
    expect(Math.max(...wide.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(80)
    expect(narrow.stdout).toMatch(/^ {6}--status S\[,S…\]\n {10}Only sessions in these/m)
  })

  it('prints the version for --version or -V anywhere before --, and for -v alone', async () => {
    const cases = [['--version'], ['-V'], ['-v'], ['list', '--version'], ['keys', 'list', '-V']]
    const runs = await Promise.all(cases.map((args) => runCli(args)))
    expect(runs.map(({ code, stdout }) => ({ code, stdout }))).toEqual(
      cases.map(() => ({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) })),
    )
    // `server -v` is --verbose, not the version: it goes on to read the (missing) config.
    const verbose = await runCli(['server', '-v', '-c', 'missing.yaml'])
    expect(verbose.code).toBe(2)
    expect(verbose.stdout).toBe('')
  }, 30_000)

  it('lists every command in the root help', async () => {
    const { code, stdout } = await runCli(['--help'])
    expect(code).toBe(0)
    for (const [name] of COMMANDS) expect(stdout).toContain(name)
  })

  it('exits 2 with a pointer to the help for an unknown command, a missing argument, or no command', async () => {
    // The word is not repeated: a mistyped line may have put an API key where the verb goes.
    const unknown = await runCli(['aap_0123456789abcdef'])
    expect(unknown).toMatchObject({
      code: 2,
      stderr:
        'error: unknown command for agentapi-proxy — see agentapi-proxy --help for the commands\n',
    })
    const missing = await runCli(['get'])
    expect(missing).toMatchObject({
      code: 2,
      stderr: 'error: Missing required positional argument: ID — see agentapi-proxy get --help\n',
    })
    expect((await runCli([])).code).toBe(2)
  })

  it('refuses an option the command does not have, naming it and never a value', async () => {
    const typo = await runCli(['list', '--stauts', 'active'])
    expect(typo).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'error: unknown option --stauts for agentapi-proxy list — see agentapi-proxy list --help\n',
    })
    const inline = await runCli(['keys', 'list', '--api-kye=aap_secret_value'])
    expect(inline.code).toBe(2)
    expect(inline.stderr).toContain('unknown option --api-kye for agentapi-proxy keys list')
    expect(inline.stderr).not.toContain('aap_secret_value')
  })

  it('exits 0 when the reader of its output leaves early (openapi | head -c 1)', async () => {
    const child = spawnCli(['openapi', '--local'])
    let stderr = ''
    child.stderr?.on('data', (chunk) => (stderr += chunk))
    // Read one chunk, then close the pipe, as head does.
    await new Promise((resolve) => child.stdout?.once('data', resolve))
    child.stdout?.destroy()
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(stderr).not.toContain('EPIPE')
  })

  it('takes the global options before the command too, and -V for the version', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const before = await runCli(['--url', url, '--json', 'list'])
    expect(before.code).toBe(5)
    expect(before.stderr).toContain(`cannot reach ${url}`)
    const help = await runCli(['help', 'keys', 'revoke'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('USAGE\n  agentapi-proxy keys revoke [OPTIONS] <ID>\n')
    expect(help.stdout).not.toContain('\u001b[') // no colour codes in a pipe
    expect(help.stdout).toBe((await runCli(['keys', 'revoke', '--help'])).stdout)
    const after = await runCli(['--url', 'http://127.0.0.1:1', 'keys', 'revoke', '-h'])
    expect(after.stdout).toBe(help.stdout)
  })

  it('exits 5 with one line that says to start the server when nothing listens at the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const byFlag = await runCli(['list', '--url', url])
    expect(byFlag).toMatchObject({
      code: 5,
      stdout: '',
      stderr: `error: cannot reach ${url} — is the server running? (agentapi-proxy server)\n`,
    })
    const byEnv = await runCli(['get', '1a2b3c4d'], { env: { AGENTAPI_PROXY_URL: url } })
    expect(byEnv.code).toBe(5)
    expect(byEnv.stderr).toContain(`cannot reach ${url}`)
  })

  it('exits 2 for a --url that is not an http URL', async () => {
    const { code, stderr } = await runCli(['list', '--url', 'localhost:8080'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/^error: --url must be an http\(s\) URL, not "localhost:8080"/)
  })

  it('prints the OpenAPI document this CLI was built with, offline, with --local', async () => {
    const { code, stdout } = await runCli(['openapi', '--local'], {
      env: { AGENTAPI_PROXY_URL: 'http://127.0.0.1:1' },
    })
    expect(code).toBe(0)
    const document = JSON.parse(stdout)
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/start', '/search']))
  })
})

describe('agentapi-proxy openapi', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy()
  })
  afterAll(() => proxy.close())

  it("prints the server's document, the same as the one built in", async () => {
    const served = await proxy.cli(['openapi'])
    expect(served.code).toBe(0)
    const local = await proxy.cli(['openapi', '--local'])
    expect(JSON.parse(served.stdout).paths).toEqual(JSON.parse(local.stdout).paths)
  })
})
