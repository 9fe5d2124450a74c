import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { AGENT_HOST_ENV, AGENT_SECRET_ENV } from '../agent-guard/contract.ts'
import { placeMcpConfig } from './mcp-config-file.ts'
import type { AgentSpec } from './provisioner.ts'
import { type SandboxLayout, sandboxArgs } from './sandbox-args.ts'
import { DEFAULT_SCRIPT, GITHUB_SCRIPT, LOG_WRITER } from './startup-scripts.ts'

/** Where and how one agent process runs: everything the provisioner decided for it. */
export interface AgentLaunch {
  spec: AgentSpec
  port: number
  workdir: string
  tmpdir: string
  /** The user's home, set as HOME; absent: HOME as the spec's environment has it. */
  home: string | undefined
  logPath: string
  logMaxBytes: number
  agentHost: string
  startupScript: string | undefined
  sandbox: SandboxLayout | undefined
}

// Runs the command in "$@" (after four arguments for the writer) with stdout and stderr going
// through the log writer: a process substitution, so the pipe blocks and the writer sits in the
// agent's process group, outside any sandbox (the log file stays out of the agent's reach).
const WITH_LOG_WRITER = 'exec > >(exec "$1" "$2" "$3" "$4") 2>&1; shift 4; exec "$@"'

/**
 * Spawns the agent through its startup script, in its own process group, inside bubblewrap
 * when the layout says so. The process is the agent (no sandbox) or bwrap (sandbox); either way
 * its group holds everything the agent starts, and its cwd is the workdir.
 */
export async function spawnAgent(launch: AgentLaunch): Promise<ChildProcess> {
  const { spec, port, workdir, logPath } = launch
  const agent = spec.command.map((arg) => arg.replaceAll('{port}', String(port)))
  const script = spec.repository ? GITHUB_SCRIPT : (launch.startupScript ?? DEFAULT_SCRIPT)
  const run = ['bash', script, ...(spec.repository ? [spec.repository] : []), ...agent]
  const own = { workdir, tmpdir: launch.tmpdir, home: launch.home }
  const sandboxed = launch.sandbox ? [...sandboxArgs(launch.sandbox, own), ...run] : run
  const writer = [process.execPath, LOG_WRITER, logPath, String(launch.logMaxBytes)]
  // Until the writer runs, bash's own errors (a missing script) still reach the log.
  const log = openSync(logPath, 'a', 0o600)
  try {
    const child = spawn(
      'bash',
      ['-c', WITH_LOG_WRITER, 'agentapi-proxy', ...writer, ...sandboxed],
      {
        cwd: workdir,
        env: { ...agentEnv(launch), ...placeMcpConfig(spec, workdir, launch.tmpdir) },
        detached: true,
        stdio: ['ignore', log, log],
      },
    )
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

// The spec's environment and nothing of the proxy's (spawn's env replaces it whole). Ours are
// set last, so the session's own environment can never choose them.
function agentEnv(launch: AgentLaunch): Record<string, string> {
  const env: Record<string, string> = {
    ...launch.spec.env,
    TMPDIR: launch.tmpdir,
    [AGENT_HOST_ENV]: launch.agentHost,
  }
  if (launch.home) env.HOME = launch.home
  if (launch.spec.secret) env[AGENT_SECRET_ENV] = launch.spec.secret
  return env
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
