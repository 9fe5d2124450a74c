import type { AgentChoice } from '../provisioners/agent-command.ts'
import type { AgentSpec } from '../provisioners/provisioner.ts'
import type { SessionRecord } from '../store/session-record.ts'
import { sessionEnvironment } from './env.ts'
import type { EnvironmentPolicy } from './env-policy.ts'
import { mcpConfigFile } from './mcp-servers.ts'
import type { RepositoryPolicy } from './repository-policy.ts'

/** What every session's agent is built from: the config's agent, policies and environments. */
export interface AgentSpecOptions {
  agent: AgentChoice
  resumeCommand?: readonly string[] | undefined
  proxyEnv: Record<string, string | undefined>
  inheritEnv: readonly string[]
  roleEnv?: ((role: string) => Record<string, string> | undefined) | undefined
  /** What a request may set; applied again to restored sessions. */
  environmentPolicy?: EnvironmentPolicy | undefined
  /** Turns a session's `repository` into the URL git clones (already checked at start). */
  repositoryPolicy?: RepositoryPolicy | undefined
}

/**
 * The provisioner's view of one session's agent: its argv, its complete environment and what to
 * clone. A restart (`resume`) runs the resume command in the workdir it had, without cloning.
 *
 * @example
 * const spec = agentSpec(options, record, { role: 'member', secret, resume: false })
 */
export function agentSpec(
  options: AgentSpecOptions,
  record: SessionRecord,
  run: { role: string | null; secret: string; resume: boolean },
): AgentSpec {
  const command = (run.resume && options.resumeCommand) || options.agent.command
  return {
    sessionId: record.session_id,
    userId: record.user_id,
    command: command.map((a) => a.replaceAll('{type}', record.agent_type)),
    env: sessionEnvironment({
      proxyEnv: options.proxyEnv,
      inherit: options.inheritEnv,
      roleEnv: run.role === null ? undefined : options.roleEnv?.(run.role),
      request: admitted(options.environmentPolicy, record.environment),
    }),
    repository: run.resume ? null : cloneUrl(options.repositoryPolicy, record.repository),
    secret: run.secret,
    mcpConfig: mcpConfigFile(record.mcp_servers),
  }
}

function cloneUrl(policy: RepositoryPolicy | undefined, repository: string | null) {
  if (repository === null) return null
  return policy?.cloneUrl(repository) ?? repository
}

// A session restored from a row written under an older, wider policy keeps only what the
// current one admits: an upgrade must not restart an agent with GIT_TEMPLATE_DIR or SHELLOPTS.
function admitted(policy: EnvironmentPolicy | undefined, environment: Record<string, string>) {
  if (!policy) return environment
  return Object.fromEntries(
    Object.entries(environment).filter(([name]) => policy.refusedReason(name) === null),
  )
}
