import type { Environment, FieldIssue } from '@agentapi-proxy/shared'
import { AppError } from '../errors.ts'

// Which names a request may set is an allowlist: a denylist of what hijacks a program is always
// one name short (SHELLOPTS=xtrace printed tokens, GIT_TEMPLATE_DIR ran another session's hook).
// Each default is a value the agent only reads as data and no loader, shell, git or interpreter
// acts on: the model and GitHub credentials the agent needs, and APP_*, a namespace for the
// caller's own project settings that no common program reads.
const DEFAULT_ALLOW = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'GH_TOKEN', 'APP_*']

// Never settable by a request, whatever `session.environment.allow` says, and refused in role env
// files too: they change how the dynamic loader, the start-up script's shell, git (the clone runs
// before the agent, as the proxy's user), an interpreter or agentapi itself behave, or where the
// clone and the agent's credentials go. Compared case-insensitively (npm reads npm_config_*).
const ALWAYS_REFUSED_NAMES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'USER',
  'LOGNAME',
  'IFS',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'GLOBIGNORE',
  'CDPATH',
  'TMPDIR',
  'GCONV_PATH',
  'LOCPATH',
  'NLSPATH',
  'HOSTALIASES',
  'RES_OPTIONS',
  'GLIBC_TUNABLES',
  'ZDOTDIR',
  'XDG_CONFIG_HOME',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'SSH_ASKPASS',
  'SSH_AUTH_SOCK',
  'GH_HOST',
  'GH_CONFIG_DIR',
  'GITHUB_CLONE_BASE_URL',
])
const ALWAYS_REFUSED_PREFIXES = [
  'LD_',
  'DYLD_',
  'MALLOC_',
  'BASH_',
  'AGENTAPI_',
  'GIT_',
  'NODE_',
  'NPM_CONFIG_',
  'PYTHON',
  'PERL',
  'RUBY',
  'GEM_',
  'BUNDLE_',
]

/** Why a name may never be set (by a request or a role env file), or null. */
export function alwaysRefusedReason(name: string): string | null {
  const upper = name.toUpperCase()
  if (ALWAYS_REFUSED_NAMES.has(upper))
    return `${name} may never be set: it changes which programs run or how they load`
  const prefix = ALWAYS_REFUSED_PREFIXES.find((p) => upper.startsWith(p))
  if (prefix)
    return `${name} may never be set: ${prefix}* variables change how programs load or run`
  return null
}

/**
 * Why a configured allow pattern is refused: it would re-open an always-refused name. `LD_*`,
 * `NODE_OPTIONS` and `P*` (PATH) are; `MY_*` is not.
 */
export function patternConflict(pattern: string): string | null {
  if (!pattern.endsWith('*')) return alwaysRefusedReason(pattern)
  const stem = pattern.slice(0, -1).toUpperCase()
  const overlap =
    [...ALWAYS_REFUSED_NAMES].find((name) => name.startsWith(stem)) ??
    ALWAYS_REFUSED_PREFIXES.find((p) => p.startsWith(stem) || stem.startsWith(p))
  return overlap
    ? `${pattern} overlaps ${overlap}, which may never be set; list narrower names`
    : null
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern
}

/**
 * The names a request's `environment` may use: the defaults plus the admin's
 * `session.environment.allow` patterns (`NAME` or `PREFIX*`, case-sensitive), never an
 * always-refused name.
 *
 * @example
 * const policy = new EnvironmentPolicy(['MY_*'])
 * policy.assertAllowed({ MY_FLAG: '1', GITHUB_TOKEN: 'ghp_…' }) // passes
 * policy.assertAllowed({ GIT_TEMPLATE_DIR: '/tmp/x' }) // throws invalid_request naming it
 */
export class EnvironmentPolicy {
  readonly #allow: readonly string[]

  constructor(extra: readonly string[] = []) {
    this.#allow = [...DEFAULT_ALLOW, ...extra]
  }

  /** The allowed patterns, for messages and documentation. */
  get patterns(): readonly string[] {
    return this.#allow
  }

  /** Why a request may not set `name`, or null when it may. */
  refusedReason(name: string): string | null {
    const always = alwaysRefusedReason(name)
    if (always) return always
    if (this.#allow.some((pattern) => matches(pattern, name))) return null
    return `${name} is not an allowed name; a request may set ${this.#allow.join(', ')} (an admin adds more with session.environment.allow)`
  }

  /** Refuses an environment that uses any name outside the policy, with a 422 naming each. */
  assertAllowed(environment: Environment): void {
    const errors: FieldIssue[] = []
    for (const name of Object.keys(environment)) {
      const reason = this.refusedReason(name)
      if (reason) errors.push({ path: `environment.${name}`, message: reason })
    }
    refuseFields(errors)
  }
}

/** Throws one `invalid_request` (422) that names every refused field; nothing when none is. */
export function refuseFields(errors: readonly FieldIssue[]): void {
  if (errors.length === 0) return
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ')
  throw new AppError('invalid_request', `Invalid body: ${detail}`, { errors: [...errors] })
}
