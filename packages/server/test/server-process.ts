import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { spawnInGroup } from '../src/testing/process-group.ts'

const SERVE = fileURLToPath(new URL('./fixtures/serve.ts', import.meta.url))
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** The server in a child process, as a restart test needs it. */
export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>
  output(): string
}

/**
 * Starts the server from source with `configFile`, leading a process group of its own (stop it
 * with `stopGroup`); resolves once it listens. `prefix` runs it through a command that execs
 * its arguments (`nsenter -t <pid> -m --`), so the pid is still the server's.
 */
export async function startServerProcess(
  configFile: string,
  env: NodeJS.ProcessEnv = {},
  prefix: readonly string[] = [],
): Promise<ServerProcess> {
  const argv = [...prefix, process.execPath, '--import', TSX, SERVE, configFile]
  const child = spawnInGroup(argv[0] as string, argv.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a test can kill the group when a graceful stop hangs.
    detached: true,
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const url = await new Promise<string>((resolve, reject) => {
    let found = false
    const onData = (chunk: Buffer) => {
      output += chunk
      // Only until it listens: a long run's log (the fuzz bench's) is megabytes to rescan.
      if (found) return
      const match = /listening (http:\/\/\S+)/.exec(output)
      if (match?.[1]) {
        found = true
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
  return { url, child, exited, output: () => output }
}
