import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ENV_KEY_PATTERN } from '@agentapi-proxy/shared'
import { ConfigError } from '../config/index.ts'
import { alwaysRefusedReason } from '../sessions/env-policy.ts'

/** Environment for sessions, per role name. */
export type RoleEnv = (role: string) => Record<string, string> | undefined

/**
 * Reads `<path>/<role>.env` files (KEY=VALUE lines, `#` comments, optional quotes) once at
 * start-up. A role file is the admin's, so the request allowlist does not apply to it, but the
 * names nobody may set (loader, shell, git, interpreter variables) are refused here too, with the
 * file and line named — a role file is configuration, and configuration errors stop the server.
 *
 * @example
 * const roleEnv = loadRoleEnvFiles({ enabled: true, path: 'role-env' })
 * roleEnv('developer') // { GITHUB_TOKEN: '…' } from role-env/developer.env
 */
export function loadRoleEnvFiles(
  options: { enabled: boolean; path: string },
  cwd = process.cwd(),
): RoleEnv {
  if (!options.enabled) return () => undefined
  const dir = resolve(cwd, options.path)
  const problem = !existsSync(dir)
    ? `${dir} does not exist`
    : statSync(dir).isDirectory()
      ? null
      : `${dir} is not a directory`
  if (problem) {
    throw new ConfigError(
      null,
      [{ path: 'role_env_files.path', message: problem }],
      'create the directory of <role>.env files, or set role_env_files.enabled to false',
    )
  }
  const byRole = new Map<string, Record<string, string>>()
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.env'))) {
    byRole.set(file.slice(0, -4), parseEnvFile(join(dir, file)))
  }
  return (role) => byRole.get(role)
}

function parseEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {}
  const issues: { path: string; message: string }[] = []
  for (const [index, raw] of readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line)
    const name = match?.[1] ?? ''
    const where = `${file}:${index + 1}`
    if (!match || !ENV_KEY_PATTERN.test(name)) {
      issues.push({ path: where, message: 'expected NAME=value' })
      continue
    }
    const refused = alwaysRefusedReason(name)
    if (refused) issues.push({ path: where, message: refused })
    else env[name] = unquote(match[2] ?? '')
  }
  if (issues.length > 0) throw new ConfigError(file, issues)
  return env
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value)
  return quoted ? (quoted[2] ?? '') : value
}
