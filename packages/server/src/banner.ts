import { resolve } from 'node:path'
import { formatDuration } from './config/duration.ts'
import type { Config } from './config/index.ts'
import type { AgentChoice } from './provisioners/agent-command.ts'
import type { SandboxChoice } from './provisioners/sandbox.ts'

/** What the start-up banner describes. */
export interface BannerFacts {
  url: string
  version: string
  configFile: string | null
  config: Readonly<Config>
  agent: AgentChoice
  /** How local agents are kept apart; unset on Kubernetes. */
  sandbox?: SandboxChoice | undefined
  /** This replica, when it shares its store with others (PostgreSQL). */
  replica?: { id: string; leaseMs: number; exclusive: boolean }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * The lines a person reads when the server starts: where it listens, with which config, store,
 * agent and auth — and a warning when anyone on the network can act as admin.
 *
 * @example
 * process.stderr.write(formatBanner(facts))
 */
export function formatBanner(facts: BannerFacts): string {
  const { config } = facts
  const lines = [
    `agentapi-proxy ${facts.version}`,
    `  listening  ${facts.url}  (API reference: ${facts.url}/docs)`,
    `  config     ${facts.configFile ?? 'none (built-in defaults)'}`,
    `  store      ${describeStore(config)}`,
    `  agent      ${facts.agent.description}`,
    `  runs on    ${describeProvisioner(config)}`,
    ...(facts.sandbox ? [`  sandbox    ${facts.sandbox.description}`] : []),
    `  auth       ${describeAuth(config)}`,
  ]
  const { replica } = facts
  if (replica && !replica.exclusive) {
    const lease = formatDuration(replica.leaseMs)
    lines.push(
      `  replica    ${replica.id} (lease ${lease}; other replicas on this store share its sessions)`,
    )
  }
  if (facts.sandbox?.kind === 'none') {
    lines.push(
      `  WARNING    no sandbox: ${facts.sandbox.warning}.`,
      '             Install bubblewrap (session.sandbox: auto finds it) on a machine shared by several people.',
    )
  }
  if (!config.auth.enabled && !LOOPBACK.has(config.host)) {
    lines.push(
      `  WARNING    auth is disabled and the server listens on ${config.host}: anyone who can reach it is an admin.`,
      '             Enable auth (auth.enabled) or listen on 127.0.0.1.',
    )
  }
  return `${lines.join('\n')}\n`
}

function describeProvisioner(config: Readonly<Config>): string {
  const { provisioner } = config
  if (provisioner.kind === 'kubernetes') {
    return `kubernetes: a pod per session, namespace ${provisioner.namespace ?? 'of the kubeconfig context'}`
  }
  return `local: a child process per session, in ${resolve(config.session.workdir_root)}`
}

function describeStore(config: Readonly<Config>): string {
  const { persistence } = config
  if (!persistence.enabled)
    return 'memory (persistence.enabled is false: sessions do not survive a restart)'
  if (persistence.backend === 'sqlite') return `sqlite ${resolve(persistence.path)}`
  return `postgres ${redactUrl(persistence.url ?? '')}${persistence.schema ? ` (schema ${persistence.schema})` : ''}`
}

// A connection string may carry a password; the banner shows where, never with what.
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres (url not shown)'
  }
}

function describeAuth(config: Readonly<Config>): string {
  if (!config.auth.enabled) return 'disabled: every caller is an anonymous admin'
  const methods = [
    config.auth.static.enabled && `API keys (header ${config.auth.static.header_name})`,
    config.auth.github.enabled && 'GitHub tokens',
    config.auth.github.oauth && 'GitHub OAuth',
  ].filter(Boolean)
  return methods.join(', ')
}
