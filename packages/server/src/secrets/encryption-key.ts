import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { errnoCode, StartupError } from '../startup/startup-error.ts'
import { KEY_BYTES } from './secret-box.ts'

/** The name of the generated key file inside the data directory. */
export const KEY_FILE_NAME = 'encryption.key'
/** The environment variable that may carry the key. */
export const KEY_ENV_VAR = 'AGENTAPI_PROXY_ENCRYPTION_KEY'

/** Where {@link loadEncryptionKey} looks, in this order. */
export interface EncryptionKeySources {
  /** `persistence.encryption_key`: base64 of 32 bytes. */
  configKey?: string | undefined
  env: Readonly<Record<string, string | undefined>>
  /** Holds `encryption.key`; created (0700) when the key has to be generated. */
  dataDir: string
}

/** A loaded key and where it came from, so start-up can log it (never the key itself). */
export interface EncryptionKey {
  key: Buffer
  source: 'config' | 'env' | 'file' | 'generated'
  /** The key file, when the key came from or went to one. */
  path?: string
}

/**
 * Finds the key that seals secrets at rest: config, then the environment, then the key file in
 * the data directory — generated on first start. There is no built-in default key: one shared by
 * every install would protect nothing.
 *
 * @example
 * const { key, source } = await loadEncryptionKey({ configKey, env, dataDir: 'data' })
 */
export async function loadEncryptionKey(sources: EncryptionKeySources): Promise<EncryptionKey> {
  return keepEncryptionKey(await findEncryptionKey(sources))
}

/**
 * {@link loadEncryptionKey} without writing: a key to generate comes back with source
 * `generated` and is only in memory, so start-up can check everything else (including that the
 * database was not written with another key) before {@link keepEncryptionKey} saves it.
 *
 * @example
 * const found = await findEncryptionKey({ env: process.env, dataDir: 'data' })
 */
export async function findEncryptionKey(sources: EncryptionKeySources): Promise<EncryptionKey> {
  if (sources.configKey) {
    return {
      key: parseEncryptionKey(sources.configKey, 'persistence.encryption_key'),
      source: 'config',
    }
  }
  const fromEnv = sources.env[KEY_ENV_VAR]
  if (fromEnv) return { key: parseEncryptionKey(fromEnv, KEY_ENV_VAR), source: 'env' }
  const path = join(sources.dataDir, KEY_FILE_NAME)
  const existing = await readKeyFile(path)
  if (existing) return { key: existing, source: 'file', path }
  return { key: randomBytes(KEY_BYTES), source: 'generated', path }
}

/**
 * Writes a key {@link findEncryptionKey} generated to its file (0600, in a 0700 directory);
 * when another process wrote one first, returns that one instead. Other keys pass through.
 *
 * @example
 * const key = await keepEncryptionKey(found)
 */
export async function keepEncryptionKey(found: EncryptionKey): Promise<EncryptionKey> {
  if (found.source !== 'generated' || !found.path) return found
  const { key, path } = found
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  // Written aside, then linked into place: link() fails when the name exists, so when two
  // processes start at once the second reads the first one's key — and never a half-written file.
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
  try {
    await writeFile(aside, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
    await link(aside, path)
  } catch (error) {
    const raced = errnoCode(error) === 'EEXIST' ? await readKeyFile(path) : null
    if (raced) return { key: raced, source: 'file', path }
    throw error
  } finally {
    await rm(aside, { force: true })
  }
  return found
}

/** Decodes a base64 (or base64url) key, or throws an error that names where it came from. */
export function parseEncryptionKey(text: string, origin: string): Buffer {
  const trimmed = text.trim()
  // Buffer.from skips characters that are not base64, so check the alphabet before trusting it.
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : null
  if (key?.length !== KEY_BYTES) {
    throw new StartupError(
      `${origin} must be ${KEY_BYTES} random bytes in base64` +
        `${key ? ` (it decodes to ${key.length} bytes)` : ''}`,
      'generate one with `openssl rand -base64 32`',
    )
  }
  return key
}

async function readKeyFile(path: string): Promise<Buffer | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = errnoCode(error)
    // ENOTDIR: the data directory is under a file, which start-up reports by the setting's name.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new StartupError(
      `the encryption key file ${path} cannot be read (${code ?? String(error)})`,
      'make it a readable file holding the key, or set persistence.encryption_key',
    )
  }
  // A copied key file often loses its mode; other users must never be able to read it.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600)
  return parseEncryptionKey(text, path)
}
