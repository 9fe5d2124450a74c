import type { Environment, FieldIssue } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'

// Names that change how programs load or which programs run, or that reconfigure agentapi
// itself (every agentapi flag is also an AGENTAPI_* variable): a caller may never set these.
const REFUSED_NAMES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'USER',
  'LOGNAME',
  'IFS',
  'ENV',
  'BASH_ENV',
  'PS4',
  'PROMPT_COMMAND',
  'NODE_OPTIONS',
  'NODE_PATH',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONSTARTUP',
  'PERL5LIB',
  'PERL5OPT',
  'RUBYLIB',
  'RUBYOPT',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_EXEC_PATH',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
  'TMPDIR',
])
const REFUSED_PREFIXES = ['LD_', 'DYLD_', 'AGENTAPI_', 'GIT_CONFIG', 'BASH_FUNC_']

/** Why a name is refused, or null when a caller may set it. */
export function refusedReason(name: string): string | null {
  const upper = name.toUpperCase()
  if (REFUSED_NAMES.has(upper))
    return `${name} may not be set: it changes which programs the agent runs`
  const prefix = REFUSED_PREFIXES.find((p) => upper.startsWith(p))
  if (prefix)
    return `${name} may not be set: ${prefix}* variables change how the agent loads or runs`
  return null
}

/**
 * Refuses a request environment that names any hijack variable, with a 422 that names each.
 *
 * @example
 * assertAllowedEnvironment({ LD_PRELOAD: '/tmp/x.so' }) // throws invalid_request naming LD_PRELOAD
 */
export function assertAllowedEnvironment(environment: Environment): void {
  const errors: FieldIssue[] = []
  for (const name of Object.keys(environment)) {
    const reason = refusedReason(name)
    if (reason) errors.push({ path: `environment.${name}`, message: reason })
  }
  if (errors.length === 0) return
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ')
  throw new AppError('invalid_request', `Invalid body: ${detail}`, { errors })
}

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
 * role's file, then the request — which was already checked by {@link assertAllowedEnvironment}.
 */
export function sessionEnvironment(sources: EnvironmentSources): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of sources.inherit) {
    const value = sources.proxyEnv[name]
    if (value !== undefined) env[name] = value
  }
  return { ...env, ...sources.roleEnv, ...sources.request }
}
