import { existsSync, readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { fieldIssues } from '../validation.ts'
import { type ExpansionIssue, expandEnv } from './expand.ts'
import { crossFieldIssues } from './rules.ts'
import { type Config, ConfigSchema } from './schema.ts'

/** Command-line flags that override the file. */
export interface ConfigFlags {
  port?: number
  host?: string
}

/** Where {@link loadConfig} reads from; everything is explicit so tests never touch globals. */
export interface LoadConfigOptions {
  /** `--config`: a JSON or YAML file. Unset: `config.json` in `cwd` when it exists. */
  file?: string
  flags?: ConfigFlags
  env?: Record<string, string | undefined>
  cwd?: string
}

/** A loaded configuration and the file it came from (null: built-in defaults). */
export interface LoadedConfig {
  config: Readonly<Config>
  file: string | null
}

/**
 * Thrown when the configuration cannot be used; `issues` holds every problem at once, each
 * named by its dot path.
 *
 * @example
 * try { loadConfig({ file: 'config.json' }) } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.message)
 * }
 */
export class ConfigError extends Error {
  readonly issues: ExpansionIssue[]
  readonly file: string | null

  constructor(file: string | null, issues: ExpansionIssue[]) {
    const where = file ?? 'the configuration'
    const lines = issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`)
    super(`Invalid configuration in ${where}:\n${lines.join('\n')}`)
    this.name = 'ConfigError'
    this.file = file
    this.issues = issues
  }
}

/**
 * Reads, expands (`${VAR}`), validates and freezes the configuration; flags win over the file.
 *
 * @example
 * const { config, file } = loadConfig({ file: 'config.yaml', flags: { port: 0 }, env: process.env })
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd()
  const file = findFile(options.file, cwd)
  const raw = file ? readConfigFile(file) : {}
  const issues: ExpansionIssue[] = []
  const expanded = expandEnv(raw, options.env ?? {}, issues)
  const merged = applyFlags(expanded, options.flags ?? {})
  const result = ConfigSchema.safeParse(merged)
  if (!result.success) issues.push(...fieldIssues(result.error as z.ZodError))
  issues.push(...crossFieldIssues(merged))
  if (issues.length > 0 || !result.success) throw new ConfigError(file, issues)
  return { config: deepFreeze(result.data), file }
}

function findFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit) {
    const file = resolve(cwd, explicit)
    if (!existsSync(file)) {
      throw new ConfigError(file, [
        { path: '', message: 'file not found (check the --config path)' },
      ])
    }
    return file
  }
  const fallback = resolve(cwd, 'config.json')
  return existsSync(fallback) ? fallback : null
}

function readConfigFile(file: string): unknown {
  const text = readFileSync(file, 'utf8')
  const yaml = ['.yaml', '.yml'].includes(extname(file).toLowerCase())
  try {
    const parsed: unknown = yaml ? parseYaml(text) : JSON.parse(text)
    return parsed ?? {}
  } catch (error) {
    const message = `not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`
    throw new ConfigError(file, [{ path: '', message }])
  }
}

function applyFlags(raw: unknown, flags: ConfigFlags): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const overrides = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  return { ...raw, ...overrides }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}
