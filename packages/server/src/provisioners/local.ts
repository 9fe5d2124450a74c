import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { z } from 'zod'
import { AGENT_HOST_ENV, AGENT_SECRET_ENV } from '../agent-guard/contract.ts'
import { tailLog } from './log-file.ts'
import { PortAllocator } from './ports.ts'
import { processesUnder, readEntry } from './process-table.ts'
import type { AgentExit, AgentRef, AgentSpec, Provisioner } from './provisioner.ts'
import { DEFAULT_SCRIPT, GITHUB_SCRIPT, LOG_WRITER } from './startup-scripts.ts'

/** Settings of the local provisioner, from the config's `start_port` and `session` section. */
export interface LocalProvisionerOptions {
  startPort: number
  workdirRoot: string
  logMaxBytes: number
  /** The address agents listen on (`session.agent_host`); 127.0.0.1 when absent. */
  agentHost?: string
  /** Replaces the embedded default script (same arguments: the agent's command line). */
  startupScript?: string
}

/** The local provisioner's handle: the agent's process group, its port, and where it writes. */
const LocalHandleSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(1).max(65_535),
  workdir: z.string().min(1),
  log_path: z.string().min(1),
})
type LocalHandle = z.infer<typeof LocalHandleSchema>

interface Running {
  pid: number
  port: number
  exited: Promise<AgentExit>
  /** Handed over to another replica: its end is that replica's to handle. */
  released: boolean
}

// An adopted agent is not our child, so no 'exit' event tells us it ended: we look.
const ADOPTED_POLL_MS = 500
// After the agent exits, how long its log writer may take to write the agent's last words.
const LOG_DRAIN_MS = 1000

// Runs the startup script with stdout and stderr going through the log writer (a process
// substitution: a blocking pipe, and the writer in the agent's process group). Arguments: node,
// the writer, the log file, its cap, then the script and its arguments.
// Claude Code's project MCP config, read from the directory it starts in.
const MCP_CONFIG_FILE = '.mcp.json'
// Where the clone script finds the MCP config to move into the clone (agentapi_with_github.sh).
const MCP_CONFIG_ENV = 'AGENTAPI_PROXY_MCP_CONFIG'

const WITH_LOG_WRITER = 'exec > >(exec "$1" "$2" "$3" "$4") 2>&1; shift 4; exec bash "$@"'

/**
 * Runs each agent as a child process: a port of its own, a private workdir, its own process
 * group (so a stop reaches everything it started), stdin closed (agentapi reads stdin to EOF
 * before it listens otherwise), and stdout/stderr written through a log writer that holds the
 * log file under its cap at every write.
 */
export class LocalProvisioner implements Provisioner {
  readonly #options: LocalProvisionerOptions
  readonly #ports: PortAllocator
  readonly #running = new Map<string, Running>()

  constructor(options: LocalProvisionerOptions) {
    this.#options = { ...options, workdirRoot: resolve(options.workdirRoot) }
    this.#ports = new PortAllocator(options.startPort)
    mkdirSync(this.#logDir(), { recursive: true, mode: 0o700 })
  }

  async start(spec: AgentSpec, onExit: (exit: AgentExit) => void): Promise<AgentRef> {
    const port = await this.#ports.reserve()
    try {
      const workdir = join(this.#options.workdirRoot, spec.sessionId)
      mkdirSync(workdir, { recursive: true, mode: 0o700 })
      mkdirSync(this.#tmpDir(spec.sessionId), { recursive: true, mode: 0o700 })
      const logPath = this.#logPath(spec.sessionId)
      const child = await this.#spawn(spec, port, workdir, logPath)
      const pid = child.pid as number
      const handle: LocalHandle = { pid, port, workdir, log_path: logPath }
      const exited = new Promise<AgentExit>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }))
      })
      this.#track(spec.sessionId, handle, exited, onExit)
      return { sessionId: spec.sessionId, url: this.#urlOf(port), handle }
    } catch (error) {
      this.#ports.release(port)
      throw error
    }
  }

  async adopt(agent: AgentRef, onExit: (exit: AgentExit) => void): Promise<AgentRef | null> {
    const parsed = LocalHandleSchema.safeParse(agent.handle)
    if (!parsed.success || this.#running.has(agent.sessionId)) return null
    const handle = parsed.data
    // Provably the session's: the process runs in the workdir this machine gives the session.
    const workdir = join(this.#options.workdirRoot, agent.sessionId)
    if (handle.workdir !== workdir || readEntry(handle.pid)?.cwd !== workdir) return null
    this.#ports.claim(handle.port)
    const exited = new Promise<AgentExit>((resolve) => {
      const timer = setInterval(() => {
        if (isRunning(handle.pid)) return
        clearInterval(timer)
        resolve({ code: null, signal: null })
      }, ADOPTED_POLL_MS)
      timer.unref()
    })
    this.#track(agent.sessionId, handle, exited, onExit)
    return { sessionId: agent.sessionId, url: this.#urlOf(handle.port), handle }
  }

  async reapOrphans(keep: ReadonlySet<string>, graceMs: number): Promise<number> {
    const root = this.#options.workdirRoot
    const orphans = processesUnder(root).filter((entry) => {
      const sessionId = relative(root, entry.cwd).split(sep)[0] ?? ''
      return entry.pid !== process.pid && !keep.has(sessionId)
    })
    const groups = new Set(orphans.map((entry) => entry.pgid))
    for (const pgid of groups) killGroup(pgid, 'SIGTERM')
    const deadline = Date.now() + graceMs
    while (orphans.some((entry) => isRunning(entry.pid)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    for (const pgid of groups) killGroup(pgid, 'SIGKILL')
    return orphans.length
  }

  stop(agent: AgentRef, graceMs: number): Promise<AgentExit> {
    return this.#stop(agent.sessionId, graceMs)
  }

  async #stop(sessionId: string, graceMs: number): Promise<AgentExit> {
    const running = this.#running.get(sessionId)
    if (!running) return { code: null, signal: null }
    killGroup(running.pid, 'SIGTERM')
    const timer = setTimeout(() => killGroup(running.pid, 'SIGKILL'), graceMs)
    try {
      return await running.exited
    } finally {
      clearTimeout(timer)
    }
  }

  async remove(sessionId: string): Promise<void> {
    await rm(join(this.#options.workdirRoot, sessionId), { recursive: true, force: true })
    await rm(this.#logPath(sessionId), { force: true })
    await rm(this.#tmpDir(sessionId), { recursive: true, force: true })
  }

  release(sessionId: string): void {
    const running = this.#running.get(sessionId)
    if (!running) return
    running.released = true
    this.#running.delete(sessionId)
    this.#ports.release(running.port)
  }

  inspect(agent: AgentRef): 'running' | 'gone' {
    return this.#running.has(agent.sessionId) ? 'running' : 'gone'
  }

  logs(
    agent: Pick<AgentRef, 'sessionId' | 'handle'>,
    tail: number,
  ): Promise<{ lines: string[]; truncated: boolean }> {
    return tailLog(this.#logPath(agent.sessionId), tail)
  }

  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.#running.keys()].map((sessionId) => this.#stop(sessionId, graceMs)))
  }

  #agentHost(): string {
    return this.#options.agentHost ?? '127.0.0.1'
  }

  // A wildcard address is listened on, not connected to: the proxy then uses loopback.
  #urlOf(port: number): string {
    const host = this.#agentHost()
    if (host === '0.0.0.0' || host === '::' || host === '[::]') return `http://127.0.0.1:${port}`
    return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`
  }

  #logDir(): string {
    return join(this.#options.workdirRoot, '.logs')
  }

  /** The agent's TMPDIR: beside its workdir, not in it (a cloned repository stays clean). */
  #tmpDir(sessionId: string): string {
    return join(this.#options.workdirRoot, '.tmp', sessionId)
  }

  #logPath(sessionId: string): string {
    return join(this.#logDir(), `${sessionId}.log`)
  }

  #track(
    sessionId: string,
    { pid, port }: LocalHandle,
    exited: Promise<AgentExit>,
    onExit: (exit: AgentExit) => void,
  ) {
    const running: Running = { pid, port, exited: Promise.resolve(exited), released: false }
    const done = exited.then(async (exit) => {
      if (running.released) return exit
      this.#running.delete(sessionId)
      this.#ports.release(port)
      await groupEnded(pid, LOG_DRAIN_MS)
      killGroup(pid, 'SIGKILL') // anything the agent left behind in its group
      // A killed agent cleans up nothing (agentapi's upload directory, say): its TMPDIR goes.
      await rm(this.#tmpDir(sessionId), { recursive: true, force: true })
      return exit
    })
    done.then((exit) => {
      if (!running.released) onExit(exit)
    })
    running.exited = done
    this.#running.set(sessionId, running)
  }

  async #spawn(
    spec: AgentSpec,
    port: number,
    workdir: string,
    logPath: string,
  ): Promise<ChildProcess> {
    const agent = spec.command.map((arg) => arg.replaceAll('{port}', String(port)))
    const script = spec.repository ? GITHUB_SCRIPT : (this.#options.startupScript ?? DEFAULT_SCRIPT)
    const args = [script, ...(spec.repository ? [spec.repository] : []), ...agent]
    const writer = [process.execPath, LOG_WRITER, logPath, String(this.#options.logMaxBytes)]
    // Until the writer runs, bash's own errors (a missing script) still reach the log.
    const log = openSync(logPath, 'a', 0o600)
    try {
      // Set last, so the session's own environment can never choose them.
      const env: Record<string, string> = {
        ...spec.env,
        TMPDIR: this.#tmpDir(spec.sessionId),
        [AGENT_HOST_ENV]: this.#agentHost(),
        ...placeMcpConfig(spec, workdir, this.#tmpDir(spec.sessionId)),
      }
      if (spec.secret) env[AGENT_SECRET_ENV] = spec.secret
      const child = spawn('bash', ['-c', WITH_LOG_WRITER, 'agentapi-proxy', ...writer, ...args], {
        cwd: workdir,
        env,
        detached: true,
        stdio: ['ignore', log, log],
      })
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve)
        child.once('error', reject)
      })
      return child
    } catch (error) {
      throw spawnFailure(error)
    } finally {
      closeSync(log)
    }
  }
}

/**
 * Puts the session's MCP config where its agent reads it (0600: it holds tokens). A clone needs
 * an empty workdir, so with a repository it waits in the agent's TMPDIR for the clone script to
 * move in, named by the variable this returns.
 */
function placeMcpConfig(spec: AgentSpec, workdir: string, tmpDir: string): Record<string, string> {
  if (!spec.mcpConfig) return {}
  if (!spec.repository) {
    writeFileSync(join(workdir, MCP_CONFIG_FILE), spec.mcpConfig, { mode: 0o600 })
    return {}
  }
  const staged = join(tmpDir, `agentapi-proxy${MCP_CONFIG_FILE}`)
  writeFileSync(staged, spec.mcpConfig, { mode: 0o600 })
  return { [MCP_CONFIG_ENV]: staged }
}

/**
 * The error of a failed spawn, without its message: Node quotes the offending argv or env entry
 * (`options.env['GITHUB_TOKEN'] must be a string without null bytes. Received 'ghp_…'`), and this
 * text ends up in the session's `error`, the logs and the store. Only the error code is kept.
 */
function spawnFailure(error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code
  const why = typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : 'unknown error'
  return new Error(`bash could not be spawned for the agent (${why})`)
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once no process of the group is left, or after `waitMs`. */
async function groupEnded(pgid: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs
  while (isRunning(-pgid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the group is already gone
  }
}
