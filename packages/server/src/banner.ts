import type { Config } from './config/index.ts'
import type { AgentChoice } from './provisioners/agent-command.ts'

/** What the start-up banner describes. */
export interface BannerFacts {
  url: string
  version: string
  configFile: string | null
  config: Readonly<Config>
  agent: AgentChoice
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
    `  auth       ${describeAuth(config)}`,
  ]
  if (!config.auth.enabled && !LOOPBACK.has(config.host)) {
    lines.push(
      `  WARNING    auth is disabled and the server listens on ${config.host}: anyone who can reach it is an admin.`,
      '             Enable auth (auth.enabled) or listen on 127.0.0.1.',
    )
  }
  return `${lines.join('\n')}\n`
}

function describeStore(config: Readonly<Config>): string {
  // Sessions live in memory until the persistence layer lands; say so rather than imply a file.
  if (!config.persistence.enabled) return 'memory (persistence.enabled is false)'
  return `memory (persistence to ${config.persistence.backend} is not built yet; sessions do not survive a restart)`
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
