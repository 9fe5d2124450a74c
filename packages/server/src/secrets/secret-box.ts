import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** What every sealed value starts with; `v1` names the layout below so it can change later. */
export const SEALED_PREFIX = 'enc:v1:'

/** Bytes in an AES-256 key. */
export const KEY_BYTES = 32
// 96-bit IVs are what GCM is specified for (NIST SP 800-38D); random ones are safe for far more
// values than a session store will ever seal under one key.
const IV_BYTES = 12
const TAG_BYTES = 16

/** Thrown when a sealed value cannot be opened: a different key, or a damaged value. */
export class SecretBoxError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SecretBoxError'
  }
}

/** Whether a string is in the sealed format (it may still fail to open). */
export function isSealed(text: string): boolean {
  return text.startsWith(SEALED_PREFIX)
}

/**
 * Authenticated encryption of short strings with AES-256-GCM: a random IV per value and a tag
 * that is checked on open, so a wrong key or a tampered value is an error, never garbage.
 * Sealed values read `enc:v1:<base64url(iv | tag | ciphertext)>`.
 *
 * @example
 * const box = new SecretBox(key)
 * const sealed = box.seal('ghp_…') // 'enc:v1:…'
 * box.open(sealed) // 'ghp_…'
 */
export class SecretBox {
  #key: Buffer

  constructor(key: Uint8Array) {
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError(`An encryption key is ${KEY_BYTES} bytes; this one is ${key.length}`)
    }
    this.#key = Buffer.from(key)
  }

  seal(text: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
    const packed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext])
    return SEALED_PREFIX + packed.toString('base64url')
  }

  open(text: string): string {
    if (!isSealed(text)) throw new SecretBoxError(`Not a sealed value (no ${SEALED_PREFIX} prefix)`)
    const packed = Buffer.from(text.slice(SEALED_PREFIX.length), 'base64url')
    if (packed.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('Sealed value is truncated')
    const decipher = createDecipheriv('aes-256-gcm', this.#key, packed.subarray(0, IV_BYTES))
    decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    try {
      const plain = decipher.update(packed.subarray(IV_BYTES + TAG_BYTES))
      return Buffer.concat([plain, decipher.final()]).toString('utf8')
    } catch (cause) {
      throw new SecretBoxError(
        'Cannot decrypt a stored secret: it was sealed with a different encryption key, or it was altered',
        { cause },
      )
    }
  }
}
