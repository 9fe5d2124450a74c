/** What a provisioner needs to start one session's agentapi. */
export interface AgentSpec {
  sessionId: string
  /** Whose session it is: a label on what a cluster provisioner creates. */
  userId?: string
  /** argv template of the agent; `{port}` is replaced with the port the provisioner picks. */
  command: readonly string[]
  /** The complete environment of the agent (already filtered by the session's rules). */
  env: Record<string, string>
  /** `owner/repo` or a git URL to clone into the workdir first. */
  repository: string | null
  /** What the agent demands of every request (agent-guard/contract.ts); absent: nothing. */
  secret?: string | null
  /**
   * The agent's MCP config (the text of Claude Code's `.mcp.json`), to be in its workdir when it
   * starts; it holds secrets. Absent or null: none is written.
   */
  mcpConfig?: string | null
}

/**
 * What a provisioner keeps about one agent so that it (or another replica's provisioner of the
 * same kind) can find it again: a JSON object stored with the session, opaque to everything
 * above the provisioner. The local one holds a pid, a port and paths; a pod would hold a name.
 */
export type ProvisionerHandle = { readonly [key: string]: unknown }

/** An agent as the sessions see it: where it listens, and the provisioner's handle. */
export interface AgentRef {
  sessionId: string
  /** Base URL of its agentapi, e.g. `http://127.0.0.1:9003`: what any replica proxies to. */
  url: string
  handle: ProvisionerHandle
}

/** How an agent ended. */
export interface AgentExit {
  code: number | null
  signal: string | null
  /** Why, as the engine tells it when it knows more than a code (`OOMKilled`, `ImagePullBackOff`). */
  reason?: string
}

/**
 * One engine that runs agents: child processes here (`local`), pods later. The session service
 * never branches on which one it has, and nothing above this interface knows about PIDs, ports
 * or directories: it speaks in {@link AgentRef}s, which the store keeps for every replica.
 */
export interface Provisioner {
  /** Starts the agent; resolves once it runs (not once it is ready). */
  start(spec: AgentSpec, onExit: (exit: AgentExit) => void): Promise<AgentRef>
  /** Asks the agent to stop, forces it after `graceMs`; keeps what `remove` removes. */
  stop(agent: AgentRef, graceMs: number): Promise<AgentExit>
  /** Whether the agent still runs, as far as this provisioner can tell. */
  inspect(agent: AgentRef): 'running' | 'gone'
  /**
   * Takes over an agent that another process of the proxy (an earlier run, or a replica that
   * died) started, when it still runs and is provably the session's. Null when it cannot.
   */
  adopt(agent: AgentRef, onExit: (exit: AgentExit) => void): Promise<AgentRef | null>
  /** The last lines of the agent's output (also after it ended, until `remove`). */
  logs(
    agent: Pick<AgentRef, 'sessionId' | 'handle'>,
    tail: number,
  ): Promise<{ lines: string[]; truncated: boolean }>
  /**
   * Forgets the agent without stopping it: another replica has taken it over. Its end is not
   * reported (`onExit`) any more.
   */
  release(sessionId: string): void
  /** Removes what stop keeps (the workdir, the log), when the session is deleted. */
  remove(sessionId: string): Promise<void>
  /** Stops every agent this provisioner started or adopted (shutdown). */
  stopAll(graceMs: number): Promise<void>
  /**
   * Stops every agent of this provisioner that belongs to no session in `keep` — what a
   * crashed proxy left behind. Returns how many it stopped.
   */
  reapOrphans(keep: ReadonlySet<string>, graceMs: number): Promise<number>
}
