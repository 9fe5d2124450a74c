import { afterEach, describe, expect, it } from 'vitest'
import { type FakeGitHub, startFakeGitHub } from './server.ts'

const CLIENT = { client_id: 'Ov23liTestClient', client_secret: 'test-secret' }

let github: FakeGitHub
afterEach(() => github?.close())

async function start(): Promise<FakeGitHub> {
  return startFakeGitHub({
    users: [{ id: 7, login: 'octocat' }],
    apps: [
      { ...CLIENT, callback_url: 'http://127.0.0.1/cb' },
      { client_id: 'other-app', client_secret: 'other-secret' },
    ],
  })
}

async function oauthToken(): Promise<string> {
  const query = new URLSearchParams({ client_id: CLIENT.client_id, scope: 'read:org' })
  const back = await github.consent(`${github.url}/login/oauth/authorize?${query}`, {
    login: 'octocat',
  })
  const res = await fetch(`${github.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams({ ...CLIENT, code: back.searchParams.get('code') ?? '' }),
  })
  return (await res.json()).access_token
}

function revoke(kind: 'token' | 'grant', body: unknown, secret = CLIENT.client_secret) {
  const basic = Buffer.from(`${CLIENT.client_id}:${secret}`).toString('base64')
  return fetch(`${github.url}/applications/${CLIENT.client_id}/${kind}`, {
    method: 'DELETE',
    headers: {
      authorization: `Basic ${basic}`,
      accept: 'application/vnd.github+json',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
}

async function userStatus(token: string): Promise<number> {
  const res = await fetch(`${github.url}/user`, { headers: { authorization: `Bearer ${token}` } })
  return res.status
}

describe('fake GitHub token revocation', () => {
  it('revokes one token with 204 and an empty body; the token then gets 401', async () => {
    github = await start()
    const token = await oauthToken()
    const other = await oauthToken()
    const res = await revoke('token', { access_token: token })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(await userStatus(token)).toBe(401)
    expect(await userStatus(other)).toBe(200)
    expect(github.revocations).toEqual([
      { kind: 'token', client_id: CLIENT.client_id, login: 'octocat', tokens: [token] },
    ])
  })

  it('answers 404 when the token is already revoked', async () => {
    github = await start()
    const token = await oauthToken()
    await revoke('token', { access_token: token })
    expect((await revoke('token', { access_token: token })).status).toBe(404)
  })

  it('revokes every token of the grant and forgets the consent', async () => {
    github = await start()
    const [first, second] = [await oauthToken(), await oauthToken()]
    expect((await revoke('grant', { access_token: first })).status).toBe(204)
    expect(await userStatus(first)).toBe(401)
    expect(await userStatus(second)).toBe(401)
    expect(github.world.consent('octocat', CLIENT.client_id)).toBeUndefined()
  })

  it('answers 404 for wrong app credentials and leaves the token alive', async () => {
    github = await start()
    const token = await oauthToken()
    expect((await revoke('token', { access_token: token }, 'wrong')).status).toBe(404)
    expect(github.isTokenActive(token)).toBe(true)
  })

  it('answers 422 Validation Failed when access_token is missing', async () => {
    github = await start()
    const res = await revoke('token', {})
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ message: 'Validation Failed', status: '422' })
  })

  it('does not revoke personal access tokens through an app', async () => {
    github = await start()
    const pat = github.addToken('octocat')
    expect((await revoke('token', { access_token: pat })).status).toBe(404)
    expect(await userStatus(pat)).toBe(200)
  })
})
