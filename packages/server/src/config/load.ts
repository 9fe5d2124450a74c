import { readFileSync, statSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { errnoCode, StartupError } from '../startup/startup-error.ts'
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
 * named by its dot path. One problem makes a one-line message; several, a list.
 *
 * @example
 * try { loadConfig({ file: 'config.json' }) } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.message)
 * }
 */
export class ConfigError extends StartupError {
  readonly issues: ExpansionIssue[]
  readonly file: string | null

  constructor(file: string | null, issues: ExpansionIssue[], hint?: string) {
    super(describe(file, issues), hint ?? defaultHint(issues))
    this.name = 'ConfigError'
    this.file = file
    this.issues = issues
  }
}

function describe(file: string | null, issues: ExpansionIssue[]): string {
  const [only] = issues
  if (issues.length === 1 && only) {
    if (only.path === '' && file) return `${file}: ${only.message}`
    return `Invalid configuration${file ? ` in ${file}` : ''}: ${only.path || '(root)'}: ${only.message}`
  }
  const lines = issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`)
  return `Invalid configuration in ${file ?? 'the configuration'}:\n${lines.join('\n')}`
}

function defaultHint(issues: ExpansionIssue[]): string {
  return issues.length === 1
    ? 'fix it and start the server again'
    : 'Fix the fields above and start the server again.'
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
  const file = resolve(cwd, explicit ?? 'config.json')
  let isDirectory: boolean
  try {
    isDirectory = statSync(file).isDirectory()
  } catch (error) {
    if (!explicit && errnoCode(error) === 'ENOENT') return null
    throw fileProblem(file, error)
  }
  if (isDirectory) {
    const issue = { path: '', message: 'is a directory, not a config file' }
    throw new ConfigError(file, [issue], FILE_HINT)
  }
  return file
}

const FILE_HINT = 'pass the path of a JSON or YAML file with --config'

function fileProblem(file: string, error: unknown): ConfigError {
  const code = errnoCode(error)
  const message =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'file not found'
      : code === 'EACCES'
        ? 'not readable by this user (permission denied)'
        : `cannot be read (${code ?? String(error)})`
  const hint = code === 'EACCES' ? 'make it readable or pass another file with --config' : FILE_HINT
  return new ConfigError(file, [{ path: '', message }], hint)
}

function readConfigFile(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw fileProblem(file, error)
  }
  const yaml = ['.yaml', '.yml'].includes(extname(file).toLowerCase())
  try {
    const parsed: unknown = yaml ? parseYaml(text) : JSON.parse(text)
    return parsed ?? {}
  } catch (error) {
    // The first line only: YAML's parser adds the offending line of the file, which may hold a secret.
    const reason = (error as Error).message.split('\n')[0]
    const message = `not valid ${yaml ? 'YAML' : 'JSON'}: ${reason}`
    throw new ConfigError(
      file,
      [{ path: '', message }],
      'fix the syntax and start the server again',
    )
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
