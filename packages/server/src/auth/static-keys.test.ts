import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../config/load.ts'
import { ConfigSchema } from '../config/schema.ts'
import { AppError } from '../errors.ts'
import { TempDirs } from '../testing/temp-dir.ts'
import { hashSecret } from './secret.ts'
import { loadStaticKeys, staticKeyId } from './static-keys.ts'

const CONFIG_KEY = 'static-config-key-0123456789'
const FILE_KEY = 'static-file-key-0123456789'

function staticConfig(input: Record<string, unknown>) {
  return ConfigSchema.parse({ auth: { static: { enabled: true, ...input } } }).auth.static
}

const dirs = new TempDirs()
afterEach(() => dirs.removeAll())

function dirWith(files: Record<string, string>): string {
  const dir = dirs.make('aap-keys-')
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof ConfigError))
    throw new Error(`expected a ConfigError, got ${String(error)}`)
  return error
}

describe('loadStaticKeys', () => {
  it('accepts keys from the config and from the keys file, each as its user', async () => {
    const cwd = dirWith({
      'keys.json': JSON.stringify({
        api_keys: [{ key: FILE_KEY, user_id: 'bot', role: 'admin', permissions: ['*'] }],
      }),
    })
    const config = staticConfig({
      api_keys: [{ key: CONFIG_KEY, user_id: 'alice', permissions: ['session:list'] }],
      keys_file: 'keys.json',
    })
    const keys = await loadStaticKeys(config, { cwd })
    expect(keys.size).toBe(2)
    const id = staticKeyId(hashSecret(CONFIG_KEY))
    expect(keys.authenticate(CONFIG_KEY)).toEqual({
      user_id: 'alice',
      role: 'member',
      permissions: ['session:list'],
      auth_type: 'api_key',
      credential: { ids: [id], expires_at: null, minter_id: id, minter_expires_at: null },
    })
    expect(keys.lookup(id)).toMatchObject({ user_id: 'alice' })
    expect(keys.authenticate(FILE_KEY)).toMatchObject({ user_id: 'bot', role: 'admin' })
    expect(keys.authenticate('static-config-key-0123456780')).toBeUndefined()
  })

  it('holds only hashes: no configured key is reachable from the loaded object', async () => {
    const keys = await loadStaticKeys(
      staticConfig({ api_keys: [{ key: CONFIG_KEY, user_id: 'a' }] }),
    )
    const dump = JSON.stringify(
      Object.getOwnPropertyNames(keys).map((name) => Reflect.get(keys, name)),
    )
    expect(dump).not.toContain(CONFIG_KEY)
    expect(Object.keys(keys)).toEqual([])
  })

  it('loads nothing while static keys are disabled', async () => {
    const config = ConfigSchema.parse({
      auth: { static: { enabled: false, api_keys: [{ key: CONFIG_KEY, user_id: 'a' }] } },
    }).auth.static
    const keys = await loadStaticKeys(config)
    expect(keys.authenticate(CONFIG_KEY)).toBeUndefined()
  })

  it('refuses an expired key with credentials_expired and when it expired', async () => {
    const config = staticConfig({
      api_keys: [{ key: CONFIG_KEY, user_id: 'a', expires_at: '2026-01-01T00:00:00Z' }],
    })
    const keys = await loadStaticKeys(config, { clock: () => Date.parse('2026-02-01T00:00:00Z') })
    expect(() => keys.authenticate(CONFIG_KEY)).toThrow(AppError)
    try {
      keys.authenticate(CONFIG_KEY)
    } catch (error) {
      expect((error as AppError).code).toBe('credentials_expired')
      expect((error as AppError).detail).toContain('2026-01-01T00:00:00.000Z')
    }
  })

  it.each([
    ['a missing file', {}, '', 'keys file not found'],
    ['broken JSON', { 'keys.json': `{"api_keys": [{"key": "${FILE_KEY}"` }, '', 'not valid JSON'],
    [
      'a short key',
      { 'keys.json': JSON.stringify({ api_keys: [{ key: 'short', user_id: 'a' }] }) },
      'api_keys.0.key',
      'API keys need at least 16 characters',
    ],
    [
      'an unknown field',
      { 'keys.json': JSON.stringify({ api_keys: [{ key: FILE_KEY, user_id: 'a', colour: 1 }] }) },
      'api_keys.0.colour',
      'Unknown field',
    ],
  ])(
    'reports %s as a ConfigError naming the field and never the key',
    async (_, files, path, message) => {
      const cwd = dirWith(files)
      const error = await configError(
        loadStaticKeys(staticConfig({ keys_file: 'keys.json' }), { cwd }),
      )
      expect(error.file).toBe(join(cwd, 'keys.json'))
      expect(error.issues).toContainEqual({ path, message })
      expect(error.message).not.toContain(FILE_KEY)
    },
  )

  it('refuses the same key configured twice', async () => {
    const cwd = dirWith({
      'keys.json': JSON.stringify({ api_keys: [{ key: CONFIG_KEY, user_id: 'b' }] }),
    })
    const config = staticConfig({
      api_keys: [{ key: CONFIG_KEY, user_id: 'a' }],
      keys_file: 'keys.json',
    })
    const error = await configError(loadStaticKeys(config, { cwd }))
    expect(error.issues).toEqual([
      { path: 'api_keys.0.key', message: 'The same key is configured twice' },
    ])
  })
})
