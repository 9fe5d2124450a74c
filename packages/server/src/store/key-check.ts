import type { Kysely } from 'kysely'
import type { SecretBox } from '../secrets/secret-box.ts'
import { StartupError } from '../startup/startup-error.ts'
import type { Database } from './database.ts'

const CHECK_NAME = 'encryption_key_check'
const CHECK_TEXT = 'agentapi-proxy encryption key check'

/** How the key in use was found, so a mismatch can say which one to bring back. */
export interface KeyOrigin {
  source: 'config' | 'env' | 'file' | 'generated'
  path?: string | undefined
}

/**
 * Proves at start-up that `box` holds the key this database was written with, by opening a value
 * sealed on first use (and sealing it now when there is none). Without it a wrong key would only
 * surface at the first read of a secret — or, on a replica with its own generated key, as
 * sessions that fail one by one.
 */
export async function verifyEncryptionKey(
  db: Kysely<Database>,
  box: SecretBox,
  origin: KeyOrigin = { source: 'config' },
): Promise<void> {
  await db
    .insertInto('store_meta')
    .values({ name: CHECK_NAME, value: box.seal(CHECK_TEXT) })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute()
  await refuseOtherKey(db, box, origin)
}

/**
 * The read-only half of {@link verifyEncryptionKey}, for before anything is written (migrations,
 * a generated key file): passes when the database holds no check value yet, or no tables at all.
 */
export async function refuseOtherKey(
  db: Kysely<Database>,
  box: SecretBox,
  origin: KeyOrigin,
): Promise<void> {
  let value: string | undefined
  try {
    const row = await db
      .selectFrom('store_meta')
      .select('value')
      .where('name', '=', CHECK_NAME)
      .executeTakeFirst()
    value = row?.value
  } catch {
    // No store_meta table: a new database (the connection itself was proven before this).
    return
  }
  if (value === undefined) return
  let opened: string | null = null
  try {
    opened = box.open(value)
  } catch {}
  if (opened !== CHECK_TEXT) throw mismatch(origin)
}

function mismatch(origin: KeyOrigin): StartupError {
  const same = 'every replica sharing a database needs the same key'
  if (origin.source === 'generated') {
    return new StartupError(
      `the database was written with another encryption key, and ${origin.path} does not exist`,
      `copy the original key file there, or set persistence.encryption_key or AGENTAPI_PROXY_ENCRYPTION_KEY to it; ${same}`,
    )
  }
  const where =
    origin.source === 'config'
      ? 'persistence.encryption_key'
      : origin.source === 'env'
        ? 'AGENTAPI_PROXY_ENCRYPTION_KEY'
        : origin.path
  return new StartupError(
    `the encryption key (${where}) does not match the one this database was written with`,
    `use the original key; ${same}`,
  )
}
