import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SERVE = fileURLToPath(new URL('./serve-dist.mjs', import.meta.url))

/** The built server running as a child process on port 0, for benchmarks. */
export interface DistServer {
  url: string
  /** The temp dir of its config, database and session workdirs (`sessions/`). */
  dir: string
  pid: number
  /** Resident memory of the server process, in bytes (from /proc). */
  rss(): number
  stop(): Promise<void>
}

/** Starts `dist/` with the given config (merged over port 0 and a temp workdir root). */
export async function startDistServer(config: Record<string, unknown> = {}): Promise<DistServer> {
  const dir = mkdtempSync(join(tmpdir(), 'aap-bench-'))
  const file = join(dir, 'config.json')
  const session = { workdir_root: join(dir, 'sessions'), ...(config.session as object) }
  const persistence = {
    path: join(dir, 'agentapi-proxy.sqlite'),
    ...(config.persistence as object),
  }
  writeFileSync(file, JSON.stringify({ port: 0, ...config, session, persistence }))
  const child = spawn(process.execPath, [SERVE, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await firstLine(child)
  return {
    url,
    dir,
    pid: child.pid as number,
    rss: () => rssOf(child.pid as number),
    stop: () =>
      new Promise((resolve) => {
        // Ctrl-C may have ended it already (it is in the benchmark's process group).
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Resident set size of a process, in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb * 1024
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk
      const line = seen.split('\n')[0]
      if (seen.includes('\n') && line) resolve(line.trim())
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)))
  })
}
