export type { EncryptionKey, EncryptionKeySources } from './encryption-key.ts'
export {
  KEY_ENV_VAR,
  KEY_FILE_NAME,
  loadEncryptionKey,
  parseEncryptionKey,
} from './encryption-key.ts'
export { openEnvironment, sealEnvironment } from './environment.ts'
export { isSealed, SEALED_PREFIX, SecretBox, SecretBoxError } from './secret-box.ts'
