import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { spawnInGroup, stopGroup } from '@agentapi-proxy/server/testing'
import { afterEach } from 'vitest'
import { cliArgv, watch } from './run-cli.ts'

const PTY_RUN = fileURLToPath(new URL('./pty-run.py', import.meta.url))

// The command on the terminal leads a session of its own, out of the helper's process group:
// both groups are ended after each test.
const started: { helper: ChildProcess; pid: Promise<number | undefined> }[] = []
afterEach(async () => {
  const all = started.splice(0)
  await Promise.all(
    all.map(async ({ helper, pid }) => {
      const leader = await Promise.race([pid, Promise.resolve(undefined)])
      if (leader !== undefined) killGroup(leader)
      await stopGroup(helper)
      if (leader !== undefined) killGroup(leader)
    }),
  )
})

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {
    // Gone already.
  }
}

/**
 * Runs the CLI on a real pseudo-terminal (python3's `pty`): `type` writes keys to it as a
 * person would (`\x03` is Ctrl-C, `\x04` Ctrl-D); `screen` is what it shows, stdout and
 * stderr together as on a terminal.
 *
 * @example
 * const { type, screen, exited } = runOnTerminal(['attach', id], { AGENTAPI_PROXY_URL: url })
 */
export function runOnTerminal(args: string[], env: NodeJS.ProcessEnv = {}) {
  const [command, ...rest] = cliArgv(args)
  const helper = spawnInGroup('python3', [PTY_RUN, command as string, ...rest], {
    env: { ...process.env, TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const { stdout, stderr, exited } = watch(helper)
  const pid = stderr.waitFor(/^pid (\d+)$/m).then(
    (match) => Number(match[1]),
    () => undefined,
  )
  started.push({ helper, pid })
  return {
    screen: stdout,
    exited,
    type: (keys: string) => helper.stdin?.write(keys),
  }
}
