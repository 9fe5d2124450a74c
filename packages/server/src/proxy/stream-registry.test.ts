import { describe, expect, it } from 'vitest'
import type { CredentialRef } from '../auth/principal.ts'
import { StreamRegistry } from './stream-registry.ts'

const credential = (ids: string[], expires_at: string | null = null): CredentialRef => ({
  ids,
  expires_at,
  minter_id: ids[0] ?? '',
  minter_expires_at: expires_at,
})

function stream(sessionId: string, ref?: CredentialRef) {
  const cuts = { count: 0 }
  return { cuts, open: { sessionId, credential: ref, cut: () => void cuts.count++ } }
}

describe('StreamRegistry', () => {
  it('cuts by any id of the credential line, once, and forgets released streams', () => {
    const registry = new StreamRegistry()
    const child = stream('s1', credential(['key_child', 'key_parent']))
    const other = stream('s1', credential(['key_other']))
    registry.register(child.open)
    const release = registry.register(other.open)
    registry.revoke(['key_parent'])
    registry.revoke(['key_child'])
    expect(child.cuts.count).toBe(1)
    expect(other.cuts.count).toBe(0)
    release()
    registry.revoke(['key_other'])
    expect(other.cuts.count).toBe(0)
    expect(registry.size).toBe(0)
  })

  it('cuts a latecomer authenticated just before its credential was revoked', () => {
    let now = 0
    const registry = new StreamRegistry(() => now)
    registry.revoke(['key_gone'])
    const late = stream('s1', credential(['key_gone']))
    registry.register(late.open)
    expect(late.cuts.count).toBe(1)
    expect(registry.size).toBe(0)
    // Remembered for a minute, then forgotten (the key's own check refuses it by then).
    now = 61_000
    registry.revoke(['key_unrelated'])
    const later = stream('s1', credential(['key_gone']))
    registry.register(later.open)
    expect(later.cuts.count).toBe(0)
  })

  it('cuts every stream of a deleted session, whoever opened it', () => {
    const registry = new StreamRegistry()
    const anonymous = stream('s1')
    const keyed = stream('s1', credential(['key_a']))
    const elsewhere = stream('s2', credential(['key_a']))
    for (const s of [anonymous, keyed, elsewhere]) registry.register(s.open)
    registry.endSession('s1')
    expect([anonymous.cuts.count, keyed.cuts.count, elsewhere.cuts.count]).toEqual([1, 1, 0])
  })

  it('cuts at expires_at, and keeps a far-off expiry past the 32-bit timer limit', async () => {
    const registry = new StreamRegistry()
    const soon = stream('s1', credential(['key_soon'], new Date(Date.now() + 50).toISOString()))
    const far = stream('s1', credential(['key_far'], new Date(Date.now() + 2 ** 33).toISOString()))
    registry.register(soon.open)
    registry.register(far.open)
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(soon.cuts.count).toBe(1)
    expect(far.cuts.count).toBe(0)
    expect(registry.size).toBe(1)
  })
})
