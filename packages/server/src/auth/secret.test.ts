import { timingSafeEqual } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { MemoryApiKeyStore } from './api-key-store.ts'
import { ApiKeyService } from './api-keys.ts'
import { createSecret, hashSecret, secretMatches } from './secret.ts'
import { StaticKeys } from './static-keys.ts'

// The real timingSafeEqual, wrapped so the test can see that comparisons go through it.
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>()
  return { ...crypto, timingSafeEqual: vi.fn(crypto.timingSafeEqual) }
})

describe('secrets', () => {
  it('are a prefix and 32 random bytes in base64url', () => {
    const secret = createSecret('aap_')
    expect(secret).toMatch(/^aap_[A-Za-z0-9_-]{43}$/)
    expect(createSecret('aap_')).not.toBe(secret)
  })

  it('are hashed with SHA-256, hex-encoded', () => {
    expect(hashSecret('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('are compared with crypto.timingSafeEqual on equal-length digests', () => {
    const spy = vi.mocked(timingSafeEqual)
    spy.mockClear()
    const stored = hashSecret('aap_right')
    expect(secretMatches('aap_right', stored)).toBe(true)
    expect(secretMatches('aap_wrong-and-much-longer-than-the-right-one', stored)).toBe(false)
    expect(spy).toHaveBeenCalledTimes(2)
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32)
      expect((b as Buffer).length).toBe(32)
    }
  })

  it('never match a malformed stored hash', () => {
    expect(secretMatches('anything', 'not-hex')).toBe(false)
  })

  it('are what static keys and managed API keys are checked with', async () => {
    const spy = vi.mocked(timingSafeEqual)
    const entry = { user_id: 'a', role: 'member', permissions: [], expires_at: null }
    const staticKeys = new StaticKeys([
      { ...entry, hash: hashSecret('static-key-one-0000') },
      { ...entry, hash: hashSecret('static-key-two-0000') },
    ])
    spy.mockClear()
    staticKeys.authenticate('static-key-one-0000')
    // Every entry is compared, even after a match, so timing does not tell which one matched.
    expect(spy).toHaveBeenCalledTimes(2)
    const service = new ApiKeyService({ store: new MemoryApiKeyStore() })
    const admin = {
      user_id: 'root',
      role: 'admin',
      permissions: ['*' as const],
      auth_type: 'none' as const,
    }
    const { key } = await service.create(admin, { name: 'k' })
    spy.mockClear()
    await service.authenticate(key)
    expect(spy).toHaveBeenCalledTimes(1)
  })
})
