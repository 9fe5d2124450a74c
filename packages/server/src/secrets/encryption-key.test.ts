import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  findEncryptionKey,
  keepEncryptionKey,
  loadEncryptionKey,
  parseEncryptionKey,
} from './encryption-key.ts'

describe('loadEncryptionKey', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'aap-key-'))
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const configKey = randomBytes(32).toString('base64')
  const envKey = randomBytes(32).toString('base64url')

  it('prefers the config, then the environment', async () => {
    const env = { AGENTAPI_PROXY_ENCRYPTION_KEY: envKey }
    const fromConfig = await loadEncryptionKey({ configKey, env, dataDir: root })
    expect(fromConfig.source).toBe('config')
    expect(fromConfig.key.toString('base64')).toBe(configKey)
    const fromEnv = await loadEncryptionKey({ env, dataDir: root })
    expect(fromEnv.source).toBe('env')
    expect(fromEnv.key.toString('base64url')).toBe(envKey)
  })

  it('generates a key file (0600, in a new 0700 directory) once and then reads it', async () => {
    const dataDir = join(root, 'nested', 'data')
    const generated = await loadEncryptionKey({ env: {}, dataDir })
    expect(generated).toMatchObject({ source: 'generated', path: join(dataDir, 'encryption.key') })
    expect((await stat(join(dataDir, 'encryption.key'))).mode & 0o777).toBe(0o600)
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
    const again = await loadEncryptionKey({ env: {}, dataDir })
    expect(again.source).toBe('file')
    expect(again.key.equals(generated.key)).toBe(true)
  })

  it('finds a key to generate without writing it, until it is kept', async () => {
    const dataDir = join(root, 'data')
    const found = await findEncryptionKey({ env: {}, dataDir })
    expect(found.source).toBe('generated')
    expect(await readdir(root)).toEqual([])
    await keepEncryptionKey(found)
    expect(await readdir(dataDir)).toEqual(['encryption.key'])
    const again = await findEncryptionKey({ env: {}, dataDir })
    expect(again).toMatchObject({ source: 'file', key: found.key })
  })

  it('gives processes starting at once the same key, never a half-written file', async () => {
    // Seen once under load before the key was linked into place: a loser read the winner's file
    // between its creation and its write (empty, so "must be 32 random bytes"). Not reliably reproducible.
    const loads = Array.from({ length: 16 }, () => loadEncryptionKey({ env: {}, dataDir: root }))
    const keys = await Promise.all(loads)
    for (const loaded of keys) expect(loaded.key.equals(keys[0]?.key as Buffer)).toBe(true)
    expect(await readdir(root)).toEqual(['encryption.key'])
  })

  it('tightens a key file that others could read', async () => {
    const path = join(root, 'encryption.key')
    await writeFile(path, `${configKey}\n`, { mode: 0o644 })
    const loaded = await loadEncryptionKey({ env: {}, dataDir: root })
    expect(loaded.key.toString('base64')).toBe(configKey)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readFile(path, 'utf8')).toBe(`${configKey}\n`)
  })

  it('names a damaged key file', async () => {
    await writeFile(join(root, 'encryption.key'), 'not a key!\n', { mode: 0o600 })
    await expect(loadEncryptionKey({ env: {}, dataDir: root })).rejects.toThrow(
      /encryption\.key must be 32 random bytes in base64/,
    )
  })
})

describe('parseEncryptionKey', () => {
  it.each([
    ['c2hvcnQ=', /decodes to 5 bytes/],
    ['a key with spaces', /must be 32 random bytes in base64$/],
    ['', /must be 32 random bytes/],
  ])('refuses %j', (text, message) => {
    expect(() => parseEncryptionKey(text, 'persistence.encryption_key')).toThrow(message)
  })

  it('accepts base64 with surrounding whitespace', () => {
    const key = randomBytes(32)
    expect(parseEncryptionKey(` ${key.toString('base64')}\n`, 'x').equals(key)).toBe(true)
  })
})
