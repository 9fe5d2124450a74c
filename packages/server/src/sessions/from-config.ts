import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Config } from '../config/index.ts'
import type { Logger } from '../logger.ts'
import { type AgentChoice, guardedCommand } from '../provisioners/agent-command.ts'
import type { Provisioner } from '../provisioners/provisioner.ts'
import type { SessionStore } from '../store/session-store.ts'
import { EnvironmentPolicy } from './env-policy.ts'
import { githubWebUrl, RepositoryPolicy } from './repository-policy.ts'
import { type ReplicaSettings, SessionService } from './service.ts'
import type { SessionMetrics } from './session-metrics.ts'

/** What the config does not say: the collaborators and the proxy's own environment. */
export interface SessionServiceParts {
  store: SessionStore
  provisioner: Provisioner
  agent: AgentChoice
  logger: Logger
  proxyEnv: Record<string, string | undefined>
  roleEnv?: (role: string) => Record<string, string> | undefined
  /** Told when a session is deleted (the proxy closes its streams). */
  onDelete?: (sessionId: string) => void
  metrics?: SessionMetrics
}

/**
 * A session service with the limits, timeouts and environment rules of the config.
 *
 * @example
 * const sessions = sessionServiceFromConfig(config, { store, provisioner, agent, logger, proxyEnv: process.env })
 */
export function sessionServiceFromConfig(config: Readonly<Config>, parts: SessionServiceParts) {
  const { session } = config
  return new SessionService({
    ...parts,
    defaultAgentType: config.agent.type,
    inheritEnv: session.inherit_env,
    environmentPolicy: new EnvironmentPolicy(session.environment.allow),
    mcpServers: { all: session.mcp_servers, roles: session.role_mcp_servers },
    repositoryPolicy: new RepositoryPolicy({
      githubUrl: githubWebUrl(config.auth.github.base_url),
      allowedHosts: session.repository.allowed_hosts,
      allowLocal: session.repository.allow_local,
    }),
    // A resume command is an agentapi command line like any configured one: it gets the guard.
    ...(config.agent.resume_command
      ? { resumeCommand: guardedCommand(config.agent.resume_command) }
      : {}),
    suspendOnShutdown: config.persistence.enabled,
    replica: replicaFromConfig(config),
    retentionMs: session.retention,
    limits: {
      maxSessions: session.max_sessions,
      maxSessionsPerUser: session.max_sessions_per_user,
      maxConcurrentStarts: session.max_concurrent_starts,
      startupTimeoutMs: session.startup_timeout,
      idleTimeoutMs: session.idle_timeout,
      stopGraceMs: session.stop_grace,
    },
  })
}

/**
 * Which replica this process is. Only PostgreSQL is shared: SQLite and memory are one process's
 * store, so that process holds every session (`exclusive`).
 */
export function replicaFromConfig(config: Readonly<Config>): ReplicaSettings {
  const { persistence, replica } = config
  return {
    id: replica.id ?? `${hostname()}-${randomBytes(3).toString('hex')}`,
    leaseMs: replica.lease,
    exclusive: !persistence.enabled || persistence.backend !== 'postgres',
  }
}
