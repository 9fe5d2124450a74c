import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './server.ts'
import { CODE_TTL_MS } from './token-endpoint.ts'

const CLIENT = { client_id: 'Ov23liTestClient', client_secret: 'test-secret' }
const CALLBACK = 'http://127.0.0.1:4000/oauth/callback'

function world(extra: Partial<FakeGitHubOptions> = {}): FakeGitHubOptions {
  return {
    users: [
      { id: 1, login: 'octocat', name: 'The Octocat' },
      { id: 2, login: 'hubot' },
    ],
    apps: [{ ...CLIENT, name: 'Test App', callback_url: 'http://127.0.0.1/oauth/callback' }],
    ...extra,
  }
}

let github: FakeGitHub
afterEach(() => github?.close())

function authorizeUrl(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: CLIENT.client_id,
    redirect_uri: CALLBACK,
    scope: 'read:user read:org',
    state: 'st/ate+with spaces&more=1',
    ...params,
  })
  return `${github.url}/login/oauth/authorize?${query}`
}

async function exchange(
  body: Record<string, string>,
  init: { json?: boolean; accept?: string } = {},
) {
  const headers: Record<string, string> = {}
  if (init.accept) headers.accept = init.accept
  if (init.json) headers['content-type'] = 'application/json'
  const payload = init.json ? JSON.stringify(body) : new URLSearchParams(body)
  return fetch(`${github.url}/login/oauth/access_token`, { method: 'POST', headers, body: payload })
}

async function codeFor(login = 'octocat', params: Record<string, string> = {}): Promise<string> {
  const back = await github.consent(authorizeUrl(params), { login })
  return back.searchParams.get('code') ?? ''
}

describe('fake GitHub OAuth web flow', () => {
  it('shows a consent page with an Authorize button that carries the request', async () => {
    github = await startFakeGitHub(world())
    const res = await fetch(authorizeUrl({ login: 'hubot' }))
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('id="js-oauth-authorize-btn"')
    expect(html).toContain('Authorize Test App')
    expect(html).toContain('<option value="hubot" selected>')
    expect(html).toContain('value="st/ate+with spaces&amp;more=1"')
  })

  it('redirects back with code and the state byte-exact after Authorize', async () => {
    github = await startFakeGitHub(world())
    const back = await github.consent(authorizeUrl(), { login: 'octocat' })
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    expect(back.searchParams.get('state')).toBe('st/ate+with spaces&more=1')
    expect(back.searchParams.get('code')).toMatch(/^[0-9a-f]{20}$/)
  })

  it('redirects back with access_denied and the state after Cancel', async () => {
    github = await startFakeGitHub(world())
    const back = await github.consent(authorizeUrl(), { login: 'octocat', approve: false })
    expect(back.searchParams.get('error')).toBe('access_denied')
    expect(back.searchParams.get('error_description')).toBe(
      'The user has denied your application access.',
    )
    expect(back.searchParams.get('state')).toBe('st/ate+with spaces&more=1')
    expect(back.searchParams.has('code')).toBe(false)
  })

  it('shows "Be careful!" instead of redirecting to a redirect_uri the app did not register', async () => {
    github = await startFakeGitHub(world())
    for (const redirect_uri of ['http://evil.example/oauth/callback', 'http://127.0.0.1:4000/x']) {
      const res = await fetch(authorizeUrl({ redirect_uri }), { redirect: 'manual' })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain(
        'The redirect_uri is not associated with this application.',
      )
    }
  })

  it('answers 404 for an unknown client_id', async () => {
    github = await startFakeGitHub(world())
    const res = await fetch(authorizeUrl({ client_id: 'nope' }), { redirect: 'manual' })
    expect(res.status).toBe(404)
  })

  it('re-logs a signed-in user silently once they granted the scopes', async () => {
    github = await startFakeGitHub(world())
    const approved = await fetch(`${github.url}/login/oauth/authorize`, {
      method: 'POST',
      body: new URLSearchParams({
        ...Object.fromEntries(new URL(authorizeUrl()).searchParams),
        login: 'octocat',
        authorize: '1',
      }),
      redirect: 'manual',
    })
    const cookie = approved.headers.get('set-cookie')?.split(';')[0] ?? ''
    const again = await fetch(authorizeUrl({ scope: 'read:org' }), {
      headers: { cookie },
      redirect: 'manual',
    })
    expect(again.status).toBe(302)
    expect(new URL(again.headers.get('location') ?? '').searchParams.has('code')).toBe(true)
  })

  it('approves at once in autoApprove mode when the request names a login', async () => {
    github = await startFakeGitHub(world({ autoApprove: true }))
    const res = await fetch(authorizeUrl({ login: 'hubot' }), { redirect: 'manual' })
    expect(res.status).toBe(302)
  })
})

describe('fake GitHub token endpoint', () => {
  it('exchanges a code for a gho_ token as JSON when asked with Accept: application/json', async () => {
    github = await startFakeGitHub(world())
    const code = await codeFor()
    const res = await exchange(
      { ...CLIENT, code, redirect_uri: CALLBACK },
      { json: true, accept: 'application/json' },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const body = await res.json()
    expect(body).toEqual({
      access_token: expect.stringMatching(/^gho_[A-Za-z0-9]{36}$/),
      scope: 'read:user,read:org',
      token_type: 'bearer',
    })
    const user = await fetch(`${github.url}/user`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    })
    expect((await user.json()).login).toBe('octocat')
  })

  it('answers form-encoded by default, whatever the request body was', async () => {
    github = await startFakeGitHub(world())
    const res = await exchange({ ...CLIENT, code: await codeFor() }, { json: true })
    expect(res.headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8')
    const body = new URLSearchParams(await res.text())
    expect(body.get('token_type')).toBe('bearer')
    expect(body.get('access_token')).toMatch(/^gho_/)
  })

  it('normalizes granted scopes and joins them with commas', async () => {
    github = await startFakeGitHub(world())
    const code = await codeFor('octocat', { scope: 'user,user:email read:org' })
    const res = await exchange({ ...CLIENT, code }, { accept: 'application/json' })
    expect((await res.json()).scope).toBe('user,read:org')
  })

  it.each([
    [
      'a wrong client secret',
      { client_secret: 'wrong' },
      'incorrect_client_credentials',
      'The client_id and/or client_secret passed are incorrect.',
    ],
    [
      'an unknown code',
      { code: 'deadbeef' },
      'bad_verification_code',
      'The code passed is incorrect or expired.',
    ],
    [
      'another redirect_uri',
      { redirect_uri: 'http://127.0.0.1:4000/oauth/callback/other' },
      'redirect_uri_mismatch',
      'The redirect_uri MUST match the registered callback URL for this application.',
    ],
  ])('answers HTTP 200 with an error for %s', async (_, override, error, description) => {
    github = await startFakeGitHub(world())
    const code = await codeFor()
    const res = await exchange(
      { ...CLIENT, code, redirect_uri: CALLBACK, ...override },
      { accept: 'application/json' },
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      error,
      error_description: description,
      error_uri: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
    })
  })

  it('refuses a code the second time, form-encoded by default', async () => {
    github = await startFakeGitHub(world())
    const code = await codeFor()
    await exchange({ ...CLIENT, code })
    const again = await exchange({ ...CLIENT, code })
    expect(again.status).toBe(200)
    const body = new URLSearchParams(await again.text())
    expect(body.get('error')).toBe('bad_verification_code')
    expect(body.has('access_token')).toBe(false)
  })

  it('refuses a code older than ten minutes', async () => {
    let now = 1_000_000
    github = await startFakeGitHub(world({ now: () => now }))
    const code = await codeFor()
    now += CODE_TTL_MS + 1
    const res = await exchange({ ...CLIENT, code }, { accept: 'application/json' })
    expect((await res.json()).error).toBe('bad_verification_code')
  })

  it('checks a PKCE verifier against the S256 challenge', async () => {
    github = await startFakeGitHub(world())
    const verifier = 'a-verifier-that-is-long-enough-to-be-realistic-0123456789'
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' }
    const wrong = await exchange(
      { ...CLIENT, code: await codeFor('octocat', pkce), code_verifier: 'nope' },
      { accept: 'application/json' },
    )
    expect((await wrong.json()).error).toBe('bad_verification_code')
    const right = await exchange(
      { ...CLIENT, code: await codeFor('octocat', pkce), code_verifier: verifier },
      { accept: 'application/json' },
    )
    expect((await right.json()).access_token).toMatch(/^gho_/)
  })

  it('answers XML when asked', async () => {
    github = await startFakeGitHub(world())
    const res = await exchange({ ...CLIENT, code: await codeFor() }, { accept: 'application/xml' })
    expect(await res.text()).toMatch(
      /^<OAuth><access_token>gho_\w+<\/access_token><scope>read:user,read:org<\/scope><token_type>bearer<\/token_type><\/OAuth>$/,
    )
  })
})
