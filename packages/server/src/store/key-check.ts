import type { Kysely } from 'kysely'
import { type SecretBox, SecretBoxError } from '../secrets/secret-box.ts'
import type { Database } from './database.ts'

const CHECK_NAME = 'encryption_key_check'
const CHECK_TEXT = 'agentapi-proxy encryption key check'

/**
 * Proves at start-up that `box` holds the key this database was written with, by opening a value
 * sealed on first use. Without it a wrong key would only surface at the first read of a secret —
 * or, on a replica with its own generated key, as sessions that fail one by one.
 */
export async function verifyEncryptionKey(db: Kysely<Database>, box: SecretBox): Promise<void> {
  await db
    .insertInto('store_meta')
    .values({ name: CHECK_NAME, value: box.seal(CHECK_TEXT) })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute()
  const { value } = await db
    .selectFrom('store_meta')
    .select('value')
    .where('name', '=', CHECK_NAME)
    .executeTakeFirstOrThrow()
  let opened: string | null = null
  try {
    opened = box.open(value)
  } catch {}
  if (opened !== CHECK_TEXT) {
    throw new SecretBoxError(
      'The encryption key does not match the one this database was written with. Use the ' +
        'original key (persistence.encryption_key, AGENTAPI_PROXY_ENCRYPTION_KEY or the data ' +
        "directory's encryption.key); every replica sharing a database needs the same key",
    )
  }
}
