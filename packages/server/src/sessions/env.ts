import type { Environment } from '@agentapi-proxy/shared'

/** Where a session's environment comes from, lowest precedence first. */
export interface EnvironmentSources {
  /** The proxy's own environment; only `inherit` names are taken from it. */
  proxyEnv: Record<string, string | undefined>
  inherit: readonly string[]
  /** The caller's role's env file, when role env files are on. */
  roleEnv?: Record<string, string>
  request: Environment
}

/**
 * The agent's environment: an allowlist of the proxy's variables (never its secrets), then the
 * role's file, then the request — which was already checked by an EnvironmentPolicy.
 */
export function sessionEnvironment(sources: EnvironmentSources): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of sources.inherit) {
    const value = sources.proxyEnv[name]
    if (value !== undefined) env[name] = value
  }
  return { ...env, ...sources.roleEnv, ...sources.request }
}
