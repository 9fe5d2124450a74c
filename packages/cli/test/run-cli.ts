import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { spawnInGroup, stopGroup } from '@agentapi-proxy/server/testing'
import { afterAll, afterEach } from 'vitest'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
// Resolved from here, not from the child's cwd (tests run it in empty temp folders).
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

// Whatever a test started and did not see end (a failed assertion, a timeout) is killed with its
// whole group after the test, or after the file for children started in a beforeAll.
const running = new Set<ChildProcess>()
async function stopRunning() {
  const children = [...running]
  running.clear()
  await Promise.all(children.map((child) => stopGroup(child)))
}
afterEach(stopRunning)
afterAll(stopRunning)

/**
 * How to run the CLI: where, with which environment, and whether a test writes its stdin.
 *
 * @example
 * const options: CliOptions = { stdin: 'pipe', env: { AGENTAPI_PROXY_URL: url } }
 */
export interface CliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** `'pipe'` to write to the child's stdin (end it for EOF); ignored by default. */
  stdin?: 'pipe' | 'ignore'
}

/**
 * The command line that runs the CLI from source: node with tsx's loader, then `args`.
 *
 * @example
 * const [node, ...argv] = cliArgv(['list'])
 */
export function cliArgv(args: string[]): string[] {
  return [process.execPath, '--import', TSX, MAIN, ...args]
}

/**
 * Runs the CLI from source as a real child process (tsx compiles it on the fly), leading a
 * process group of its own, so a test can kill it and all it started: `process.kill(-pid)`.
 *
 * @example
 * const child = spawnCli(['attach', id], { stdin: 'pipe' })
 */
export function spawnCli(args: string[], options: CliOptions = {}) {
  const [node, ...argv] = cliArgv(args)
  const child = spawnInGroup(node as string, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  return child
}

/**
 * A child's output so far, and its exit code once it ends.
 *
 * @example
 * const { stdout, exited } = watch(child)
 * await stdout.waitFor(/Echo: hi/)
 */
export function watch(child: ChildProcess) {
  const stdout = new OutputBuffer(child.stdout as NodeJS.ReadableStream)
  const stderr = new OutputBuffer(child.stderr as NodeJS.ReadableStream)
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: stdout.text, stderr: stderr.text })),
  )
  return { stdout, stderr, exited }
}

/**
 * Runs the CLI to completion; `input` is written to its stdin, which then ends.
 *
 * @example
 * const { code, stdout } = await runCli(['send', id, '-'], { input: 'hello' })
 */
export function runCli(args: string[], options: CliOptions & { input?: string } = {}) {
  const { input, ...rest } = options
  const child = spawnCli(args, input === undefined ? rest : { ...rest, stdin: 'pipe' })
  if (input !== undefined) child.stdin?.end(input)
  return watch(child).exited
}

/**
 * Everything a stream has written so far, and a way to wait for a pattern in it.
 *
 * @example
 * const [, url] = await new OutputBuffer(child.stderr).waitFor(/listening\s+(\S+)/)
 */
export class OutputBuffer {
  #text = ''
  #waiters: (() => void)[] = []

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer) => {
      this.#text += chunk.toString()
      for (const wake of this.#waiters.splice(0)) wake()
    })
  }

  get text(): string {
    return this.#text
  }

  /** Resolves with the first match of `pattern` in all output so far or to come. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const match = this.#text.match(pattern)
      if (match) return match
      if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${this.#text}`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 250)
      })
    }
  }
}
