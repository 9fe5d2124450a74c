// Child processes for the proxy benchmark: each contender runs in its own process, so none
// shares an event loop with the load generator and each one's RSS is its own.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism } from 'node:os'

/** A started child process, ready to serve. */
export interface Running {
  name: string
  pid: number
  /** What the ready pattern captured (a URL, a port). */
  ready: string
  stop(): Promise<void>
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv
  /** Printed (stdout or stderr) once the process serves; group 1 is returned as `ready`. */
  ready?: RegExp
  timeoutMs?: number
}

/** Spawns a process and waits until it prints `ready` (or just until it spawned). */
export async function start(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<Running> {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tail: Tail = { read: () => '' }
  const ready = await waitForOutput(name, child, options.ready, options.timeoutMs ?? 15_000, tail)
  let stopping = false
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${code ?? signal}):\n${tail.read().slice(-2048)}`)
  })
  return {
    name,
    pid: child.pid as number,
    ready,
    stop: () => {
      stopping = true
      return stop(child)
    },
  }
}

/** What a child printed last, readable after it is ready. */
interface Tail {
  read(): string
}

function waitForOutput(
  name: string,
  child: ChildProcess,
  pattern: RegExp | undefined,
  ms: number,
  tail: Tail,
) {
  return new Promise<string>((resolve, reject) => {
    let seen = ''
    tail.read = () => seen
    const timer = setTimeout(() => fail(`${name}: not ready in ${ms} ms:\n${seen}`), ms)
    const fail = (message: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(message))
    }
    const onData = (chunk: Buffer) => {
      // Keep only the tail: the pattern is near the end of what was printed so far.
      seen = (seen + chunk.toString()).slice(-4096)
      const match = pattern?.exec(seen)
      if (!match) return
      clearTimeout(timer)
      resolve(match[1] ?? match[0])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('error', (error) => fail(`${name}: ${error.message}`))
    child.once('exit', (code) => fail(`${name} exited with ${code}:\n${seen}`))
    if (pattern) return
    child.once('spawn', () => {
      clearTimeout(timer)
      resolve('')
    })
  })
}

/** SIGTERM, then SIGKILL after 5 s. */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** A port free on 127.0.0.1 right now, for programs that cannot be told to use port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Polls `url` until it answers at all (any status), for at most `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      await (await fetch(url)).arrayBuffer()
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`)
}

/** Whether `command` can be run at all (`nginx -v`, `wrk --version`). */
export function installed(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' })
  return result.error === undefined
}

// BENCH_PIN=1: proxies on CPU 0, the agent and the load generator on the others, so the proxy
// under test never waits for a CPU (steadier figures; the default shares CPUs like a real box).
const PINNED =
  process.env.BENCH_PIN === '1' && availableParallelism() >= 2 && installed('taskset', ['-V'])

/** Whether processes are pinned to CPUs (BENCH_PIN=1 and taskset available). */
export const pinning = PINNED
  ? `pinned: proxy on CPU 0, agent and load on CPUs 1-${availableParallelism() - 1}`
  : 'not pinned (BENCH_PIN=1 pins them)'

/** `command args`, run on the CPUs of its role when pinning. */
export function onCpus(
  role: 'proxy' | 'rest',
  command: string,
  args: string[],
): [string, string[]] {
  if (!PINNED) return [command, args]
  const cpus = role === 'proxy' ? '0' : `1-${availableParallelism() - 1}`
  return ['taskset', ['-c', cpus, command, ...args]]
}

const TICKS_PER_SECOND =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100

/** CPU time (user + system, all threads) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may contain spaces: utime and stime are fields 14
  // and 15 of proc(5), the 12th and 13th after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
}

/** Resident set size of a process, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}
