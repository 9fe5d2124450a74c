/** What a provisioner needs to start one session's agentapi. */
export interface AgentSpec {
  sessionId: string
  /** argv template of the agent; `{port}` is replaced with the port the provisioner picks. */
  command: readonly string[]
  /** The complete environment of the agent (already filtered by the session's rules). */
  env: Record<string, string>
  /** `owner/repo` or a git URL to clone into the workdir first. */
  repository: string | null
  /** What the agent demands of every request (agent-guard/contract.ts); absent: nothing. */
  secret?: string | null
}

/** A running agent: where to reach it and what the provisioner needs to stop it again. */
export interface AgentHandle {
  sessionId: string
  /** Base URL of its agentapi, e.g. `http://127.0.0.1:9003`. */
  url: string
  port: number
  pid: number
  workdir: string
  logPath: string
}

/** How an agent ended. */
export interface AgentExit {
  code: number | null
  signal: string | null
}

/** A stored session as `adopt` sees it. */
export interface AdoptableAgent {
  sessionId: string
  pid: number | null
  port: number | null
  workdir: string | null
  logPath: string | null
}

/**
 * One engine that runs agents: child processes here (`local`), pods later. The session service
 * never branches on which one it has, and nothing above this interface knows about PIDs.
 */
export interface Provisioner {
  /** Starts the agent; resolves once the process runs (not once it is ready). */
  start(spec: AgentSpec, onExit: (exit: AgentExit) => void): Promise<AgentHandle>
  /** Asks the agent to stop, forces it after `graceMs`, frees its port; keeps the workdir. */
  stop(handle: AgentHandle, graceMs: number): Promise<AgentExit>
  /** Removes what stop keeps (the workdir), when the session is deleted. */
  remove(handle: Pick<AgentHandle, 'sessionId' | 'workdir'>): Promise<void>
  /** Whether the agent's process is still running. */
  isAlive(handle: AgentHandle): boolean
  /** The last lines of the agent's output. */
  logs(logPath: string, tail: number): Promise<{ lines: string[]; truncated: boolean }>
  /** Stops every agent this provisioner started (shutdown). */
  stopAll(graceMs: number): Promise<void>
  /**
   * Takes over an agent that an earlier run of the proxy started, when its process still runs
   * and is provably the session's (it runs in the session's workdir). Null otherwise.
   */
  adopt(agent: AdoptableAgent, onExit: (exit: AgentExit) => void): Promise<AgentHandle | null>
  /**
   * Stops every agent process of this provisioner that belongs to no session in `keep` — what
   * a crashed proxy left behind. Returns the process ids it stopped.
   */
  reapOrphans(keep: ReadonlySet<string>, graceMs: number): Promise<number[]>
}
