import { ApiError, createClient } from '@agentapi-proxy/client'
import { startFakeGitHub } from '@agentapi-proxy/fake-github'
import { afterAll, describe, expect, it } from 'vitest'
import { startProxy } from './harness.ts'

const ADMIN_KEY = 'admin-key-0123456789abcdef'
const PAT = 'ghp_ada000000000000000000000000000000000'
const APP = { client_id: 'Ov23liClientTests', client_secret: 'client-tests-secret' }
const REDIRECT_URI = 'http://127.0.0.1:5173/callback'

const github = await startFakeGitHub({
  users: [
    { id: 3, login: 'ada', name: 'Ada Lovelace', tokens: [PAT] },
    { id: 583231, login: 'octocat', name: 'The Octocat', tokens: [] },
  ],
  teams: [{ org: 'acme', slug: 'developers', members: ['ada', 'octocat'] }],
  apps: [{ ...APP, name: 'agentapi-proxy', callback_url: 'http://127.0.0.1/' }],
})
// Every auth method on: static keys in a non-default header, GitHub tokens and GitHub OAuth.
const proxy = await startProxy({
  auth: {
    enabled: true,
    static: {
      enabled: true,
      header_name: 'X-Team-Key',
      api_keys: [{ key: ADMIN_KEY, user_id: 'root', role: 'admin', permissions: ['*'] }],
    },
    github: {
      enabled: true,
      base_url: github.url,
      user_mapping: {
        team_role_mapping: {
          'acme/*': { role: 'developer', permissions: ['session:create', 'session:list'] },
        },
      },
      oauth: { ...APP, base_url: github.url, allowed_redirect_uris: [REDIRECT_URI] },
    },
  },
})
afterAll(async () => {
  await proxy.close()
  await github.close()
})

const baseUrl = proxy.url
const anonymous = createClient({ baseUrl })
const admin = createClient({ baseUrl, apiKey: ADMIN_KEY, apiKeyHeader: 'X-Team-Key' })

describe('auth', () => {
  it('lists the auth methods to anyone', async () => {
    expect(await anonymous.authTypes()).toEqual({
      enabled: true,
      types: [
        { type: 'api_key', name: expect.any(String), available: true },
        { type: 'github', name: expect.any(String), available: true },
        { type: 'oauth', name: expect.any(String), available: true },
      ],
    })
  })

  it('sends the API key in the header the server names', async () => {
    expect(await admin.authStatus()).toEqual({
      authenticated: true,
      auth_type: 'api_key',
      user_id: 'root',
      role: 'admin',
      permissions: ['*'],
    })
    const wrongHeader = createClient({ baseUrl, apiKey: ADMIN_KEY }) // X-API-Key
    await expect(wrongHeader.authStatus()).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
      message: expect.stringMatching(/^GET \/auth\/status → 401 unauthorized/),
    })
  })

  it('sends a GitHub token as a bearer token', async () => {
    const ada = createClient({ baseUrl, token: PAT })
    expect(await ada.authStatus()).toMatchObject({
      authenticated: true,
      auth_type: 'github',
      user_id: '3',
      role: 'developer',
    })
  })
})

describe('API keys', () => {
  it('creates a key that works at once, lists it without its secret, and revokes it', async () => {
    const created = await admin.createApiKey({ name: 'ci', user_id: 'robot', role: 'member' })
    expect(created).toMatchObject({ name: 'ci', user_id: 'robot', key: expect.any(String) })
    const robot = createClient({ baseUrl, apiKey: created.key, apiKeyHeader: 'X-Team-Key' })
    expect(await robot.authStatus()).toMatchObject({ user_id: 'robot', auth_type: 'api_key' })

    const { api_keys } = await admin.listApiKeys()
    const listed = api_keys.find((k) => k.id === created.id)
    expect(listed).toMatchObject({ name: 'ci', prefix: created.prefix })
    expect(listed).not.toHaveProperty('key')

    expect(await admin.revokeApiKey(created.id)).toEqual({ id: created.id, status: 'revoked' })
    await expect(robot.authStatus()).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
  })

  it('pages the list: limit and next_cursor, oldest first, until next_cursor is null', async () => {
    const made = []
    for (let i = 0; i < 3; i++) made.push((await admin.createApiKey({ name: `page-${i}` })).id)
    const seen: string[] = []
    let page = await admin.listApiKeys({ limit: 1 })
    seen.push(...page.api_keys.map((k) => k.id))
    while (page.next_cursor) {
      page = await admin.listApiKeys({ limit: 1, cursor: page.next_cursor })
      expect(page.api_keys).toHaveLength(1)
      seen.push(...page.api_keys.map((k) => k.id))
    }
    expect(seen).toEqual((await admin.listApiKeys({ limit: 500 })).api_keys.map((k) => k.id))
    expect(seen.slice(-3)).toEqual(made)
  })

  it('names the request when a key is not there', async () => {
    const error = await admin.revokeApiKey('key_nope').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toMatch(/^DELETE \/api-keys\/key_nope → 404 not_found: /)
  })
})

describe('GitHub OAuth', () => {
  async function signIn(login: string) {
    const { auth_url, state } = await anonymous.oauthAuthorize({ redirect_uri: REDIRECT_URI })
    expect(new URL(auth_url).origin).toBe(new URL(github.url).origin)
    const back = await github.consent(auth_url, { login })
    expect(back.searchParams.get('state')).toBe(state)
    const query = { code: back.searchParams.get('code') ?? '', state }
    return { query, tokens: await anonymous.oauthCallback(query) }
  }

  it('signs in, refreshes and signs out with the proxy’s own tokens', async () => {
    const { tokens } = await signIn('octocat')
    expect(tokens).toMatchObject({ token_type: 'Bearer', user: { id: '583231', login: 'octocat' } })
    const first = createClient({ baseUrl, token: tokens.access_token })
    expect(await first.authStatus()).toMatchObject({ auth_type: 'oauth', user_id: '583231' })

    const fresh = await anonymous.oauthRefresh({ refresh_token: tokens.refresh_token })
    expect(fresh.access_token).not.toBe(tokens.access_token)
    await expect(first.authStatus()).rejects.toMatchObject({ status: 401 })

    const second = createClient({ baseUrl, token: fresh.access_token })
    expect(await second.oauthLogout()).toEqual({ status: 'logged_out' })
    await expect(second.authStatus()).rejects.toBeInstanceOf(ApiError)
  })

  it('refuses a code used twice, without putting the code in the message', async () => {
    const { query } = await signIn('octocat')
    const error = await anonymous.oauthCallback(query).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toMatch(/^GET \/oauth\/callback → 4\d\d /)
    expect((error as ApiError).message).not.toContain(query.code)
  })

  it('refuses a redirect the server does not allow, naming the field', async () => {
    const error = await anonymous
      .oauthAuthorize({ redirect_uri: 'https://evil.example/steal' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 422, code: 'invalid_request' })
    expect((error as ApiError).message).toMatch(/^POST \/oauth\/authorize → 422 .*redirect_uri/)
  })

  it('answers logout without a token with 401', async () => {
    await expect(anonymous.oauthLogout()).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/^POST \/oauth\/logout → 401 unauthorized/),
    })
  })
})
