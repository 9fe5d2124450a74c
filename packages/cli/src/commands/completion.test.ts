import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { TempDirs } from '@agentapi-proxy/server/testing'
import type { CommandDef } from 'citty'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../test/run-cli.ts'
import { root } from '../argv/root.ts'

const run = promisify(execFile)
const dirs = new TempDirs()
afterAll(() => dirs.removeAll())

// zsh and fish are not on every machine: their checks skip without them (CI installs both).
async function installed(shell: string): Promise<boolean> {
  return run(shell, ['-c', 'exit 0']).then(
    () => true,
    () => false,
  )
}
const ZSH = await installed('zsh')
const FISH = await installed('fish')
const VERBS = Object.keys(root.subCommands as Record<string, CommandDef>)

/** Writes the CLI's completion script for `shell` to a temp file and returns its path. */
async function script(shell: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(['completion', shell])
  expect(code, stderr).toBe(0)
  const file = join(dirs.make('aap-completion-'), `agentapi-proxy.${shell}`)
  writeFileSync(file, stdout)
  return file
}

describe('agentapi-proxy completion bash', () => {
  let file: string
  beforeAll(async () => {
    file = await script('bash')
  })

  /** What bash's completion function offers for the words typed, the last one at the cursor. */
  async function complete(...words: string[]): Promise<string[]> {
    const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
      _agentapi_proxy; printf '%s\\n' "\${COMPREPLY[@]}"`
    const { stdout } = await run('bash', ['-c', program, 'bash', file, 'agentapi-proxy', ...words])
    return stdout.split('\n').filter(Boolean)
  }

  it('completes every verb, aliases included, and the verbs a prefix starts', async () => {
    expect(await complete('')).toEqual(expect.arrayContaining([...VERBS, 'ls', 'rm']))
    expect(await complete('l')).toEqual(['list', 'ls', 'logs', 'login', 'logout'])
    expect(await complete('keys', '')).toEqual(['create', 'list', 'ls', 'revoke', 'delete', 'rm'])
  })

  it("completes each verb's own options, after the global options too", async () => {
    expect(await complete('list', '--a')).toEqual([
      '--api-key',
      '--api-key-header',
      '--all',
      '--all-pages',
    ])
    expect(await complete('logs', '-')).toEqual(
      expect.arrayContaining(['-n', '--tail', '-f', '--follow']),
    )
    expect(await complete('logs', '-')).not.toContain('--all')
    expect(await complete('start', '--no')).toEqual(['--no-wait'])
    expect(await complete('--url', 'http://x', 'keys', 'create', '--e')).toEqual(['--expires-at'])
    expect(await complete('--')).toEqual(expect.arrayContaining(['--url', '--json', '--version']))
  })

  it('completes the values of --status, after a comma too, and the shells of completion', async () => {
    expect(await complete('list', '--status', 'st')).toEqual(['starting', 'stopping', 'stopped'])
    expect(await complete('ls', '--json', '--status', 'active,f')).toEqual(['active,failed'])
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish'])
    // A value is not taken for a verb: `--user keys` is a user named keys.
    expect(await complete('list', '--user', 'keys', '--w')).toEqual(['--wide', '--watch'])
  })
})

describe('agentapi-proxy completion zsh and fish', () => {
  it.skipIf(!ZSH)(
    `zsh: the script parses, names every verb and completes (${ZSH ? 'zsh found' : 'skipped: zsh is not installed'})`,
    async () => {
      const file = await script('zsh')
      await run('zsh', ['-n', file])
      // compdef and _describe belong to zsh's completion system; stand-ins print what is offered.
      const program = `compdef() {}; _describe() { print -rl -- "\${reply[@]}" }
        source "$1"; words=(agentapi-proxy keys ''); CURRENT=3; _agentapi_proxy`
      const { stdout } = await run('zsh', ['-c', program, 'zsh', file])
      expect(stdout).toContain('revoke:Revoke an API key at once\n')
      const text = (await runCli(['completion', 'zsh'])).stdout
      for (const verb of VERBS) expect(text).toContain(`'|${verb}'`)
    },
  )

  it.skipIf(!FISH)(
    `fish: the script parses and completes verbs and options (${FISH ? 'fish found' : 'skipped: fish is not installed'})`,
    async () => {
      const file = await script('fish')
      await run('fish', ['--no-execute', file])
      const { stdout } = await run('fish', [
        '-c',
        'source $argv[1]; complete -C "agentapi-proxy "; complete -C "agentapi-proxy list --st"',
        file,
      ])
      const offered = stdout.split('\n').map((line) => line.split('\t')[0])
      expect(offered).toEqual(expect.arrayContaining([...VERBS, '--status']))
    },
  )

  it('refuses a shell it has no script for, with exit 2', async () => {
    const { code, stderr } = await runCli(['completion', 'tcsh'])
    expect(code).toBe(2)
    expect(stderr).toBe(
      'error: completion is for bash, zsh, fish — e.g. agentapi-proxy completion bash\n',
    )
  })
})
