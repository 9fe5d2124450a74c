import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { EnvironmentPolicy, patternConflict } from './env-policy.ts'

// Issue 19 item 3: every name the issue found accepted on main, each now refused.
const FOUND_ACCEPTED = [
  'SHELLOPTS',
  'BASHOPTS',
  'BASH_XTRACEFD',
  'GLOBIGNORE',
  'CDPATH',
  'GCONV_PATH',
  'LOCPATH',
  'NLSPATH',
  'HOSTALIASES',
  'RES_OPTIONS',
  'GLIBC_TUNABLES',
  'MALLOC_ARENA_MAX',
  'XDG_CONFIG_HOME',
  'ZDOTDIR',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'LESSOPEN',
  'MANPAGER',
  'BROWSER',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_REPL_EXTERNAL_MODULE',
  'SSL_CERT_FILE',
  'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE',
  'HTTPS_PROXY',
  'https_proxy',
  'GIT_TEMPLATE_DIR',
  'GIT_DIR',
  'GH_HOST',
  'GH_CONFIG_DIR',
  'GITHUB_CLONE_BASE_URL',
  'PYTHONWARNINGS',
  'PERL5DB',
  'GEM_HOME',
  'BUNDLE_GEMFILE',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'NPM_CONFIG_REGISTRY',
  'npm_config_registry',
  'GOFLAGS',
  'GOPROXY',
  'CLAUDE_CONFIG_DIR',
  'ANTHROPIC_BASE_URL',
  'OPENAI_BASE_URL',
]

describe('EnvironmentPolicy', () => {
  const policy = new EnvironmentPolicy()

  it.each(FOUND_ACCEPTED)('refuses %s by default', (name) => {
    expect(policy.refusedReason(name)).not.toBeNull()
  })

  it('admits the model and GitHub credentials and APP_*, case-sensitively', () => {
    for (const name of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'GH_TOKEN', 'APP_X'])
      expect(policy.refusedReason(name)).toBeNull()
    expect(policy.refusedReason('app_x')).toMatch(/not an allowed name.*APP_\*/)
  })

  it('extends with admin patterns but never re-opens an always-refused name', () => {
    const extended = new EnvironmentPolicy(['MY_*', 'CLAUDE_CODE_MAX_OUTPUT_TOKENS', 'L*'])
    expect(extended.refusedReason('MY_FLAG')).toBeNull()
    expect(extended.refusedReason('CLAUDE_CODE_MAX_OUTPUT_TOKENS')).toBeNull()
    expect(extended.refusedReason('CLAUDE_CODE_SHELL_PREFIX')).not.toBeNull()
    expect(extended.refusedReason('LD_PRELOAD')).toMatch(/may never be set/)
  })

  it('answers 422 naming each refused variable and the allowed names', () => {
    let error: unknown
    try {
      policy.assertAllowed({ APP_OK: '1', SHELLOPTS: 'xtrace', EDITOR: 'vi' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AppError)
    const issues = (error as AppError).errors ?? []
    expect(issues.map((e) => e.path)).toEqual(['environment.SHELLOPTS', 'environment.EDITOR'])
    expect(issues[1]?.message).toContain('ANTHROPIC_API_KEY, OPENAI_API_KEY, GITHUB_TOKEN')
  })
})

describe('patternConflict', () => {
  it.each([
    ['LD_*', true],
    ['NODE_OPTIONS', true],
    ['P*', true],
    ['GITHUB_*', true],
    ['MY_*', false],
    ['CLAUDE_CODE_*', false],
  ])('%s → conflict %s', (pattern, conflicts) => {
    expect(patternConflict(pattern) !== null).toBe(conflicts)
  })
})
