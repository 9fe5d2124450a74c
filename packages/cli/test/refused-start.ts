import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { stopGroup } from '@agentapi-proxy/server/testing'
import { expect } from 'vitest'
import { spawnCli, watch } from './run-cli.ts'

/** What a `server` run that was refused left behind. */
export interface RefusedStart {
  code: number | null
  stderr: string
  /** Wall time from spawn to exit. */
  ms: number
}

/**
 * Runs `agentapi-proxy server …` in its own process group and waits (at most `timeoutMs`) for
 * it to exit; the group is killed in any case, so a server that did start is not left running.
 *
 * @example
 * const run = await runServer(['server', '-p', '0'], { cwd })
 */
export async function runServer(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RefusedStart> {
  const started = Date.now()
  const child = spawnCli(args, {
    cwd: options.cwd,
    // A key in the test runner's environment would hide what start-up does without one.
    env: { PATH: '/usr/bin:/bin', AGENTAPI_PROXY_ENCRYPTION_KEY: undefined, ...options.env },
  })
  const { exited } = watch(child)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the server did not exit')),
      options.timeoutMs ?? 45_000,
    )
  })
  try {
    const { code, stderr } = await Promise.race([exited, timeout])
    return { code, stderr, ms: Date.now() - started }
  } finally {
    clearTimeout(timer)
    await stopGroup(child)
  }
}

/**
 * The refusal start-up errors promise: exit code 2 and one line on stderr that names the
 * problem and ends with what to do, without a stack.
 */
export function expectOneLineRefusal(run: RefusedStart, problem: RegExp, hint: string): void {
  expect(run.stderr).not.toMatch(/\n\s+at /)
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/)
  expect(run.stderr).toMatch(problem)
  expect(run.stderr).toContain(`— ${hint}`)
  expect(run.code).toBe(2)
}

/** Every path under `dir`, relative and sorted: what a refused start must leave unchanged. */
export function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => relative(dir, join(dir, entry)))
    .sort()
}
