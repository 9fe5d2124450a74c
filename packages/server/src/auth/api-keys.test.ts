import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { MemoryApiKeyStore } from './api-key-store.ts'
import { ApiKeyService, generateApiKey } from './api-keys.ts'
import type { Principal } from './principal.ts'
import { hashSecret } from './secret.ts'

const alice: Principal = {
  user_id: 'alice',
  role: 'member',
  permissions: ['session:create', 'session:list'],
  auth_type: 'github',
}
const bob: Principal = { ...alice, user_id: 'bob' }
const admin: Principal = {
  user_id: 'root',
  role: 'admin',
  permissions: ['*'],
  auth_type: 'api_key',
}

function setup(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start
  const store = new MemoryApiKeyStore()
  const service = new ApiKeyService({ store, clock: () => now })
  return { store, service, advance: (ms: number) => (now += ms) }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`)
  return error
}

describe('generateApiKey', () => {
  it('makes aap_ keys with 256 random bits', () => {
    expect(generateApiKey()).toMatch(/^aap_[A-Za-z0-9_-]{43}$/)
  })
})

describe('ApiKeyService', () => {
  it('returns the secret once, stores only its hash, and lists keys without it', async () => {
    const { store, service } = setup()
    const created = await service.create(alice, { name: 'laptop' })
    expect(created).toMatchObject({
      name: 'laptop',
      user_id: 'alice',
      role: 'member',
      permissions: ['session:create', 'session:list'],
      expires_at: null,
      last_used_at: null,
      created_at: '2026-01-01T00:00:00.000Z',
    })
    expect(created.prefix).toBe(created.key.slice(0, 12))
    const row = await store.findById(created.id)
    expect(row?.hash).toBe(hashSecret(created.key))
    expect(JSON.stringify(row)).not.toContain(created.key)
    const { api_keys } = await service.list(alice)
    expect(api_keys).toHaveLength(1)
    expect(api_keys[0]).not.toHaveProperty('key')
    expect(JSON.stringify(api_keys)).not.toContain(created.key)
  })

  it('authenticates a key as its owner and notes when it was last used', async () => {
    const { service, advance } = setup()
    const { key, id } = await service.create(alice, { name: 'ci' })
    advance(5_000)
    expect(await service.authenticate(key)).toEqual({
      user_id: 'alice',
      role: 'member',
      permissions: ['session:create', 'session:list'],
      auth_type: 'api_key',
      credential: { ids: [id], expires_at: null, minter_id: id, minter_expires_at: null },
    })
    const [listed] = (await service.list(alice)).api_keys
    expect(listed).toMatchObject({ id, last_used_at: '2026-01-01T00:00:05.000Z' })
  })

  it('does not recognise keys it never issued', async () => {
    const { service } = setup()
    expect(await service.authenticate(generateApiKey())).toBeUndefined()
    expect(await service.authenticate('ghp_not_ours')).toBeUndefined()
  })

  it('refuses an expired key with credentials_expired, saying when it expired', async () => {
    const { service, advance } = setup()
    const { key } = await service.create(alice, {
      name: 'short',
      expires_at: '2026-01-01T01:00:00Z',
    })
    expect(await service.authenticate(key)).toBeDefined()
    advance(60 * 60_000)
    const error = await failure(service.authenticate(key))
    expect(error.code).toBe('credentials_expired')
    expect(error.detail).toContain('expired at 2026-01-01T01:00:00.000Z')
    expect(error.detail).not.toContain(key)
  })

  it('refuses a revoked key, and the key disappears from the list', async () => {
    const { service } = setup()
    const { key, id } = await service.create(alice, { name: 'old' })
    expect(await service.revoke(alice, id)).toEqual({ id, status: 'revoked' })
    const error = await failure(service.authenticate(key))
    expect(error.code).toBe('unauthorized')
    expect(error.detail).toMatch(/revoked/)
    expect((await service.list(alice)).api_keys).toEqual([])
  })

  it("answers 404 for another user's key exactly as for a missing one", async () => {
    const { service } = setup()
    const { id } = await service.create(alice, { name: 'mine' })
    const theirs = await failure(service.revoke(bob, id))
    const missing = await failure(service.revoke(bob, 'key_missing'))
    expect([theirs.code, missing.code]).toEqual(['not_found', 'not_found'])
    expect(theirs.detail.replace(id, 'ID')).toBe(missing.detail.replace('key_missing', 'ID'))
    expect((await service.list(alice)).api_keys).toHaveLength(1)
  })

  it('answers 404 when a key is revoked twice', async () => {
    const { service } = setup()
    const { id } = await service.create(alice, { name: 'once' })
    await service.revoke(alice, id)
    expect((await failure(service.revoke(alice, id))).code).toBe('not_found')
  })

  it("lets an admin create, list and revoke anyone's keys", async () => {
    const { service } = setup()
    const created = await service.create(admin, { name: 'for-bob', user_id: 'bob' })
    expect(created).toMatchObject({ user_id: 'bob', role: 'member' })
    await service.create(alice, { name: 'alice-own' })
    expect((await service.list(admin)).api_keys).toHaveLength(2)
    expect((await service.list(admin, { user_id: 'bob' })).api_keys).toHaveLength(1)
    expect((await service.list(bob)).api_keys.map((k) => k.name)).toEqual(['for-bob'])
    await service.revoke(admin, created.id)
    expect((await service.list(bob)).api_keys).toEqual([])
  })

  it.each([
    ['a key for another user', { name: 'x', user_id: 'bob' }],
    ['a key with a higher role', { name: 'x', role: 'admin' }],
    ['a key with permissions they lack', { name: 'x', permissions: ['*' as const] }],
  ])('refuses a non-admin %s', async (_, request) => {
    const { service } = setup()
    expect((await failure(service.create(alice, request))).code).toBe('forbidden')
  })

  it("refuses a non-admin the list of another user's keys", async () => {
    const { service } = setup()
    expect((await failure(service.list(alice, { user_id: 'bob' }))).code).toBe('forbidden')
  })

  it('refuses an expiry in the past, naming the field', async () => {
    const { service } = setup()
    const error = await failure(
      service.create(alice, { name: 'x', expires_at: '2025-01-01T00:00:00Z' }),
    )
    expect(error.code).toBe('invalid_request')
    expect(error.errors).toEqual([{ path: 'expires_at', message: 'Must be in the future' }])
  })
})
