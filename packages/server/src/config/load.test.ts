import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TempDirs } from '../testing/temp-dir.ts'
import { ConfigError, loadConfig } from './load.ts'

const dirs = new TempDirs()
afterEach(() => dirs.removeAll())

function dirWith(files: Record<string, string>): string {
  const dir = dirs.make('aap-config-')
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.issues
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('needs no file: every field has a default', () => {
    const { config, file } = loadConfig({ cwd: dirWith({}) })
    expect(file).toBeNull()
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      start_port: 9000,
      auth: { enabled: false, static: { header_name: 'X-API-Key' } },
      persistence: { enabled: true, backend: 'sqlite' },
      session: { startup_timeout: 60_000, stop_grace: 5_000, idle_timeout: 0 },
    })
    expect(Object.isFrozen(config.session)).toBe(true)
  })

  it('reads config.json from the working directory when no --config is given', () => {
    const cwd = dirWith({ 'config.json': '{"start_port": 9100}' })
    const { config, file } = loadConfig({ cwd })
    expect(file).toBe(join(cwd, 'config.json'))
    expect(config.start_port).toBe(9100)
  })

  it('reads YAML and lets flags win over the file', () => {
    const cwd = dirWith({ 'proxy.yaml': 'port: 9999\nsession:\n  stop_grace: 250ms\n' })
    const { config } = loadConfig({ cwd, file: 'proxy.yaml', flags: { port: 0 } })
    expect(config.port).toBe(0)
    expect(config.session.stop_grace).toBe(250)
  })

  it('expands ${VAR} and ${VAR:-default} from the given environment, and $${ as a literal', () => {
    const cwd = dirWith({
      'config.json': JSON.stringify({
        auth: {
          github: {
            oauth: {
              client_id: '${GH_ID}',
              client_secret: '${GH_SECRET:-fallback}',
              scope: '$${not-expanded}',
            },
          },
        },
      }),
    })
    const { config } = loadConfig({ cwd, env: { GH_ID: 'abc' } })
    expect(config.auth.github.oauth).toMatchObject({
      client_id: 'abc',
      client_secret: 'fallback',
      scope: '${not-expanded}',
    })
  })

  it('reports every problem at once, each with its dot path', () => {
    const cwd = dirWith({
      'config.json': JSON.stringify({
        port: 'eighty',
        start_port: 9000,
        auth: { enabeld: true, static: { api_keys: [{ key: 'short', user_id: 'a' }] } },
        session: { startup_timeout: 'soon' },
        persistence: { backend: 'postgres' },
        cors: { allowed_origins: '${ORIGINS}' },
      }),
    })
    const issues = issuesOf(() => loadConfig({ cwd, env: {} }))
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'auth.enabeld',
        'auth.static.api_keys.0.key',
        'cors.allowed_origins',
        'cors.allowed_origins',
        'persistence.url',
        'port',
        'session.startup_timeout',
      ].sort(),
    )
    expect(issues.find((issue) => issue.path === 'auth.enabeld')?.message).toBe('Unknown field')
    expect(issues.map((issue) => issue.message)).toContain(
      'environment variable ORIGINS is not set',
    )
  })

  it('names the missing fields of OAuth and of an API key', () => {
    const cwd = dirWith({
      'config.json': JSON.stringify({
        auth: {
          enabled: true,
          static: { enabled: true, api_keys: [{ key: 'k'.repeat(20) }] },
          github: { oauth: {} },
        },
      }),
    })
    const issues = issuesOf(() => loadConfig({ cwd }))
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'auth.static.api_keys.0.user_id', message: 'Required (string)' },
        { path: 'auth.github.oauth.client_id', message: 'OAuth needs a client_id' },
        { path: 'auth.github.oauth.client_secret', message: 'OAuth needs a client_secret' },
      ]),
    )
  })

  it('refuses an environment allow pattern that would re-open a loader or git variable', () => {
    const allow = ['MY_*', 'LD_*', 'GIT_TEMPLATE_DIR', 'P*', 'bad-name']
    const cwd = dirWith({ 'config.json': JSON.stringify({ session: { environment: { allow } } }) })
    const issues = issuesOf(() => loadConfig({ cwd }))
    expect(issues.map((issue) => issue.path)).toEqual([
      'session.environment.allow.1',
      'session.environment.allow.2',
      'session.environment.allow.3',
      'session.environment.allow.4',
    ])
    expect(issues[2]?.message).toBe('P* overlaps PATH, which may never be set; list narrower names')
  })

  it('explains a file that is missing or not JSON', () => {
    const cwd = dirWith({ 'broken.json': '{"port": 80,' })
    expect(() => loadConfig({ cwd, file: 'missing.json' })).toThrow(/file not found/)
    expect(() => loadConfig({ cwd, file: 'broken.json' })).toThrow(/not valid JSON/)
  })

  it('reads the listener limits under server, durations as elsewhere, and checks them', () => {
    const defaults = loadConfig({ cwd: dirWith({}) }).config.server
    expect(defaults).toEqual({
      headers_timeout: 10_000,
      request_timeout: 300_000,
      keep_alive_timeout: 5_000,
      max_connections: 4096,
      max_connections_per_ip: 256,
      trust_proxy: false,
    })
    const file = '{"server": {"keep_alive_timeout": 0}}'
    expect(issuesOf(() => loadConfig({ cwd: dirWith({ 'config.json': file }) }))).toEqual([
      { path: 'server.keep_alive_timeout', message: 'Must be more than 0' },
    ])
    const longer = '{"server": {"headers_timeout": "10m"}}'
    expect(issuesOf(() => loadConfig({ cwd: dirWith({ 'config.json': longer }) }))).toEqual([
      { path: 'server.headers_timeout', message: 'Must not be longer than request_timeout' },
    ])
  })

  it('reads how long the proxy waits on an agent under proxy, 0 lifting the response bound', () => {
    const defaults = loadConfig({ cwd: dirWith({}) }).config.proxy
    expect(defaults).toEqual({ connect_timeout: 5_000, response_timeout: 120_000 })
    const file = '{"proxy": {"connect_timeout": "500ms", "response_timeout": 0}}'
    const { config } = loadConfig({ cwd: dirWith({ 'config.json': file }) })
    expect(config.proxy).toEqual({ connect_timeout: 500, response_timeout: 0 })
    const zero = '{"proxy": {"connect_timeout": 0}}'
    expect(issuesOf(() => loadConfig({ cwd: dirWith({ 'config.json': zero }) }))).toEqual([
      { path: 'proxy.connect_timeout', message: 'Must be more than 0' },
    ])
  })
})
