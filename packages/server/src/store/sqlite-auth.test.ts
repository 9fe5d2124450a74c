import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeApiKeyStoreContract, sampleApiKeyRow } from '../auth/api-key-store.contract.ts'
import { MemoryApiKeyStore } from '../auth/api-key-store.ts'
import { ApiKeyService } from '../auth/api-keys.ts'
import type { AuthStores } from '../auth/from-config.ts'
import { GitHubClient } from '../auth/github-client.ts'
import { fixtureAuthConfig, REDIRECT_URI, startFixtureGitHub } from '../auth/github-fixture.ts'
import { OAuthService } from '../auth/github-oauth.ts'
import { GitHubTokenResolver } from '../auth/github-token.ts'
import {
  describeOAuthStoreContract,
  sampleStateRow,
  sampleTokenRow,
} from '../auth/oauth-store.contract.ts'
import { MemoryOAuthStateStore, MemoryOAuthTokenStore } from '../auth/oauth-store.ts'
import { hashSecret } from '../auth/secret.ts'
import { type OpenedStore, openStore } from './open.ts'
import { SqlApiKeyStore } from './sql-api-keys.ts'
import { SqlOAuthStateStore, SqlOAuthTokenStore } from './sql-oauth.ts'

const logger = pino({ level: 'silent' })
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aap-sqlite-auth-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const fileIn = (dir: string) => join(dir, 'db', 'agentapi-proxy.sqlite')

function openIn(dir: string): Promise<OpenedStore> {
  const persistence = { enabled: true, backend: 'sqlite', path: fileIn(dir) } as const
  return openStore(persistence, { logger, env: {}, dataDir: join(dir, 'data') })
}

/** The database file and its write-ahead log, as bytes anyone with a copy could read. */
async function rawBytes(dir: string): Promise<string> {
  const file = fileIn(dir)
  const parts = await Promise.all(
    [file, `${file}-wal`].map((path) => readFile(path).catch(() => Buffer.alloc(0))),
  )
  return Buffer.concat(parts).toString('latin1')
}

// Each test gets a fresh file; the handle is found again by the store it handed out.
const handles = new Map<object, OpenedStore>()
async function openFresh(): Promise<OpenedStore> {
  return openIn(await mkdtemp(join(root, 'contract-')))
}

describeApiKeyStoreContract('SQLite', {
  async open() {
    const handle = await openFresh()
    handles.set(handle.authStores.apiKeys, handle)
    return handle.authStores.apiKeys
  },
  release: async (store) => handles.get(store)?.close(),
})

describeOAuthStoreContract('SQLite', {
  async open() {
    const handle = await openFresh()
    handles.set(handle.authStores.oauthStates, handle)
    return { states: handle.authStores.oauthStates, tokens: handle.authStores.oauthTokens }
  },
  release: async (stores) => handles.get(stores.states)?.close(),
})

describe('SQL auth stores on SQLite', () => {
  it('come from openStore, sharing its database; memory ones when persistence is off', async () => {
    const handle = await openFresh()
    expect(handle.authStores.apiKeys).toBeInstanceOf(SqlApiKeyStore)
    expect(handle.authStores.oauthStates).toBeInstanceOf(SqlOAuthStateStore)
    expect(handle.authStores.oauthTokens).toBeInstanceOf(SqlOAuthTokenStore)
    await handle.close()
    const memory = await openStore(
      { enabled: false, backend: 'sqlite', path: join(root, 'unused', 'x.sqlite') },
      { logger, env: {} },
    )
    expect(memory.authStores.apiKeys).toBeInstanceOf(MemoryApiKeyStore)
    expect(memory.authStores.oauthStates).toBeInstanceOf(MemoryOAuthStateStore)
    expect(memory.authStores.oauthTokens).toBeInstanceOf(MemoryOAuthTokenStore)
    await memory.close()
  })

  it('refuse a raw secret where only its digest belongs', async () => {
    const handle = await openFresh()
    const { apiKeys, oauthStates, oauthTokens } = handle.authStores
    const digestOnly = /must be a hex SHA-256 digest/
    await expect(apiKeys.insert(sampleApiKeyRow({ hash: 'aap_raw' }))).rejects.toThrow(digestOnly)
    await expect(oauthStates.put(sampleStateRow({ state_hash: 'raw' }))).rejects.toThrow(digestOnly)
    await expect(oauthTokens.insert(sampleTokenRow({ access_hash: 'aapo_x' }))).rejects.toThrow(
      digestOnly,
    )
    await expect(oauthTokens.insert(sampleTokenRow({ refresh_hash: 'aapr_x' }))).rejects.toThrow(
      digestOnly,
    )
    await handle.close()
  })

  it('keep no secret of a sign-in, a refresh or an API key in the file, and survive a restart', async () => {
    await using github = await startFixtureGitHub()
    const dir = await mkdtemp(join(root, 'at-rest-'))
    const first = await openIn(dir)
    const oauth = oauthOver(github, first.authStores)
    const { auth_url, state } = await oauth.authorize(REDIRECT_URI)
    const back = await github.consent(auth_url, { login: 'ada' })
    const signedIn = await oauth.callback(back.searchParams.get('code') ?? '', state)
    const refreshed = await oauth.refresh(signedIn.refresh_token)
    const pending = await oauth.authorize(REDIRECT_URI)
    const apiKeys = new ApiKeyService({ store: first.authStores.apiKeys })
    const principal = await oauth.authenticateToken(refreshed.access_token)
    const { key } = await apiKeys.create(principal, { name: 'ci' })
    expect(await apiKeys.authenticate(key)).toMatchObject({ user_id: '3' })

    const githubTokens = github.world.oauthTokens().map((record) => record.token)
    expect(githubTokens).toHaveLength(1)
    const secrets = {
      state,
      pending_state: pending.state,
      access: signedIn.access_token,
      refresh: signedIn.refresh_token,
      refreshed_access: refreshed.access_token,
      refreshed_refresh: refreshed.refresh_token,
      api_key: key,
      github_token: githubTokens[0] ?? '',
    }
    const leaked = async () => {
      const raw = await rawBytes(dir)
      // The digests are there, so these are the bytes the rows went to.
      expect(raw).toContain(hashSecret(key))
      expect(raw).toContain(hashSecret(refreshed.access_token))
      return Object.entries(secrets).filter(([, secret]) => raw.includes(secret))
    }
    expect(await leaked()).toEqual([])
    await first.close()
    expect(await leaked()).toEqual([])

    const second = await openIn(dir)
    const again = oauthOver(github, second.authStores)
    expect(await again.authenticateToken(refreshed.access_token)).toMatchObject({ user_id: '3' })
    // Refreshing re-checks the user at GitHub with the token opened from the row.
    const renewed = await again.refresh(refreshed.refresh_token)
    expect(await again.authenticateToken(renewed.access_token)).toMatchObject({ user_id: '3' })
    await again.logout(renewed.access_token)
    expect(github.isTokenActive(secrets.github_token)).toBe(false)
    await second.close()
  })
})

function oauthOver(github: Awaited<ReturnType<typeof startFixtureGitHub>>, stores: AuthStores) {
  const auth = fixtureAuthConfig(github)
  const client = new GitHubClient({ baseUrl: auth.github.base_url })
  const { oauth } = auth.github
  if (!oauth) throw new Error('the fixture config has OAuth on')
  return new OAuthService({
    oauth,
    github: client,
    resolver: new GitHubTokenResolver({ client, mapping: auth.github.user_mapping }),
    states: stores.oauthStates,
    tokens: stores.oauthTokens,
  })
}
