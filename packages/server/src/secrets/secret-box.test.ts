import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isSealed, SecretBox, SecretBoxError } from './secret-box.ts'

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32))

  it.each(['ghp_abc', '', 'ünïcödé ✓ and a | pipe', 'x'.repeat(40_000)])(
    'opens what it sealed (%#)',
    (text) => {
      const sealed = box.seal(text)
      expect(isSealed(sealed)).toBe(true)
      expect(sealed).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/)
      expect(box.open(sealed)).toBe(text)
    },
  )

  it('uses a fresh IV each time, so equal secrets do not look equal', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'))
  })

  it('refuses a value sealed with another key instead of returning garbage', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('ghp_abc')
    expect(() => box.open(sealed)).toThrow(SecretBoxError)
    expect(() => box.open(sealed)).toThrow(/sealed with a different encryption key/)
  })

  it('refuses a value whose ciphertext was altered', () => {
    const packed = Buffer.from(box.seal('ghp_abc').slice('enc:v1:'.length), 'base64url')
    packed[packed.length - 1] = (packed.at(-1) ?? 0) ^ 1
    expect(() => box.open(`enc:v1:${packed.toString('base64url')}`)).toThrow(SecretBoxError)
  })

  it.each([
    ['plain text', /no enc:v1: prefix/],
    ['enc:v1:AAAA', /truncated/],
  ])('refuses %j', (text, message) => {
    expect(() => box.open(text)).toThrow(message)
  })

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes; this one is 16/)
  })
})
