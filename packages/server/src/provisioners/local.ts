import { mkdirSync } from 'node:fs'
import { rm, statfs } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { z } from 'zod'
import { exitThroughBwrap, groupEnded, isRunning, killGroup } from './agent-group.ts'
import { spawnAgent } from './agent-process.ts'
import { tailLog } from './log-file.ts'
import { PortAllocator } from './ports.ts'
import { processesUnder, readEntry } from './process-table.ts'
import type { AgentExit, AgentRef, AgentSpec, Provisioner } from './provisioner.ts'
import type { SandboxLayout } from './sandbox-args.ts'
import { ensureHome } from './user-home.ts'

/** Settings of the local provisioner, from the config's `start_port` and `session` section. */
export interface LocalProvisionerOptions {
  startPort: number
  workdirRoot: string
  logMaxBytes: number
  /** The address agents listen on (`session.agent_host`); 127.0.0.1 when absent. */
  agentHost?: string
  /** Replaces the embedded default script (same arguments: the agent's command line). */
  startupScript?: string
  /** Each user's agents get `<homeRoot>/<user>` as HOME (user-home.ts); absent: the spec's. */
  homeRoot?: string | undefined
  /** Agents run in bubblewrap with this layout; absent: unsandboxed. */
  sandbox?: SandboxLayout | undefined
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
  /** How long the rest of its group may take to end after the process itself did. */
  drainMs: number
}

// An adopted agent is not our child, so no 'exit' event tells us it ended: we look.
const ADOPTED_POLL_MS = 500
// After the agent exits, how long its log writer may take to write the agent's last words.
const LOG_DRAIN_MS = 1000

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
    this.#options = {
      ...options,
      workdirRoot: resolve(options.workdirRoot),
      homeRoot: options.homeRoot && resolve(options.homeRoot),
    }
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
      const { homeRoot } = this.#options
      const child = await spawnAgent({
        spec,
        port,
        workdir,
        tmpdir: this.#tmpDir(spec.sessionId),
        home: homeRoot && ensureHome(homeRoot, spec.userId ?? 'anonymous'),
        logPath,
        logMaxBytes: this.#options.logMaxBytes,
        agentHost: this.#agentHost(),
        startupScript: this.#options.startupScript,
        sandbox: this.#options.sandbox,
      })
      const pid = child.pid as number
      const handle: LocalHandle = { pid, port, workdir, log_path: logPath }
      const exited = new Promise<AgentExit>((resolve) => {
        child.once('exit', (code, signal) =>
          resolve(this.#options.sandbox ? exitThroughBwrap(code, signal) : { code, signal }),
        )
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
    // In a sandbox the signalled process is bwrap, which dies at once while the agent inside
    // shuts down: the group, not the process, gets the grace.
    running.drainMs = graceMs + LOG_DRAIN_MS
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
    { pid, port, workdir }: LocalHandle,
    exited: Promise<AgentExit>,
    onExit: (exit: AgentExit) => void,
  ) {
    const running: Running = {
      pid,
      port,
      exited: Promise.resolve(exited),
      released: false,
      drainMs: LOG_DRAIN_MS,
    }
    const done = exited.then(async (exit) => {
      if (running.released) return exit
      this.#running.delete(sessionId)
      this.#ports.release(port)
      await groupEnded(pid, running.drainMs)
      killGroup(pid, 'SIGKILL') // anything the agent left behind in its group
      // A killed agent cleans up nothing (agentapi's upload directory, say): its TMPDIR goes.
      await rm(this.#tmpDir(sessionId), { recursive: true, force: true })
      return exit.code === 0 || exit.reason ? exit : { ...exit, ...(await diskFull(workdir)) }
    })
    done.then((exit) => {
      if (!running.released) onExit(exit)
    })
    running.exited = done
    this.#running.set(sessionId, running)
  }
}

/**
 * Why an agent that failed may have failed, when its disk is full: it cannot say so itself, as
 * its log is on that disk too. No path in the reason: the session's owner reads it.
 */
async function diskFull(workdir: string): Promise<{ reason?: string }> {
  const disk = await statfs(workdir).catch(() => null)
  return disk?.bavail === 0 ? { reason: 'no space left on the disk that holds its workdir' } : {}
}
