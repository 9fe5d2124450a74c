import { afterEach } from 'vitest'
import type { Principal } from '../src/auth/principal.ts'
import type { AgentChoice } from '../src/provisioners/agent-command.ts'
import { echoAgentCommand } from '../src/provisioners/agent-command.ts'
import { LocalProvisioner } from '../src/provisioners/local.ts'
import type { SessionLimits } from '../src/sessions/limits.ts'
import type { RepositoryPolicy } from '../src/sessions/repository-policy.ts'
import { type ReplicaSettings, SessionService } from '../src/sessions/service.ts'
import { MemorySessionStore } from '../src/store/memory.ts'
import { TempDirs } from '../src/testing/temp-dir.ts'
import { captureLogs } from './log-capture.ts'

/** The built-in echo agent with agentapi's argv, as the server runs it. */
export const ECHO_AGENT: AgentChoice = {
  kind: 'echo',
  command: [
    ...echoAgentCommand(),
    'server',
    '--port',
    '{port}',
    '--type',
    '{type}',
    '--',
    '{type}',
  ],
  description: 'built-in echo agent',
}

/** A user principal for tests. */
export function user(userId: string, role = 'member'): Principal {
  return {
    user_id: userId,
    role,
    permissions: ['session:create', 'session:list', 'session:delete', 'session:access'],
    auth_type: 'api_key',
  }
}

export interface ServiceOverrides {
  agent?: AgentChoice
  roleEnv?: (role: string) => Record<string, string> | undefined
  limits?: Partial<SessionLimits>
  startPort?: number
  repositoryPolicy?: RepositoryPolicy
  /** Shared by several services: replicas on one store. */
  store?: MemorySessionStore
  replica?: ReplicaSettings
}

/**
 * Real session services for tests — real child processes, a temp workdir root — shut down
 * after each test so no agent outlives it, and their workdir roots removed.
 */
export function useSessionServices() {
  const services: SessionService[] = []
  const dirs = new TempDirs()
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.shutdown()))
    await dirs.removeAll()
  })
  return (overrides: ServiceOverrides = {}) => {
    const workdirRoot = dirs.make('aap-sessions-')
    const provisioner = new LocalProvisioner({
      startPort: overrides.startPort ?? 20_000 + Math.floor(Math.random() * 20_000),
      workdirRoot,
      logMaxBytes: 1024 * 1024,
    })
    const logs = captureLogs()
    const store = overrides.store ?? new MemorySessionStore()
    const service = new SessionService({
      store,
      provisioner,
      agent: overrides.agent ?? ECHO_AGENT,
      defaultAgentType: 'claude',
      limits: {
        maxSessions: 50,
        maxSessionsPerUser: 50,
        maxConcurrentStarts: 8,
        startupTimeoutMs: 15_000,
        idleTimeoutMs: 0,
        // Above the ~4 s an echo agent can take to stop while a request to it is still open: a
        // SIGKILL at 2 s left its upload dir behind (13 per run of service.test.ts).
        stopGraceMs: 6_000,
        ...overrides.limits,
      },
      proxyEnv: { ...process.env, ECHO_AGENT_DELAY_MS: '20' },
      // TMPDIR: the proxy's own temp files land in the test run's (agents get a private one).
      inheritEnv: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
      ...(overrides.roleEnv ? { roleEnv: overrides.roleEnv } : {}),
      ...(overrides.repositoryPolicy ? { repositoryPolicy: overrides.repositoryPolicy } : {}),
      ...(overrides.replica ? { replica: overrides.replica } : {}),
      logger: logs.logger,
    })
    services.push(service)
    return { service, store, provisioner, workdirRoot, logs }
  }
}

export { eventually } from '../src/testing/eventually.ts'

/** Whether a process id is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
