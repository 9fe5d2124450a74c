import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@agentapi-proxy/client'
import { type FakeGitHub, startFakeGitHub, submitConsent } from '@agentapi-proxy/fake-github'
import { eventually } from '@agentapi-proxy/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, startProxy, type TestProxy, withAuth } from '../../test/proxy.ts'
import { spawnCli, watch } from '../../test/run-cli.ts'

const BROWSER = fileURLToPath(new URL('../../test/fixtures/fake-browser.mjs', import.meta.url))
const APP = { client_id: 'Ov23liCliLogin', client_secret: 'cli-login-secret' }

let github: FakeGitHub
let proxy: TestProxy
beforeAll(async () => {
  github = await startFakeGitHub({
    users: [{ id: 3, login: 'ada', name: 'Ada Lovelace' }],
    teams: [{ org: 'acme', slug: 'developers', members: ['ada'] }],
    // GitHub takes any port on a loopback callback: the CLI's listener gets one from the OS.
    apps: [{ ...APP, name: 'agentapi-proxy', callback_url: 'http://127.0.0.1/' }],
  })
  proxy = await startProxy({
    auth: {
      ...withAuth.auth,
      github: {
        enabled: true,
        base_url: github.url,
        user_mapping: {
          team_role_mapping: {
            'acme/*': { role: 'developer', permissions: ['session:create', 'session:list'] },
          },
        },
        oauth: { ...APP, base_url: github.url, loopback_redirects: true },
      },
    },
  })
})
afterAll(async () => {
  await proxy?.close()
  await github?.close()
})

/** What the fake browser saw, once it has written it (it may outlive the CLI by a moment). */
function browserResult(path: string) {
  return eventually(async () =>
    existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined,
  )
}

let homes = 0
/** A fresh home and config dir inside the proxy's temp dir (removed with it). */
function home() {
  const dir = join(proxy.dir, `home-${++homes}`)
  mkdirSync(dir)
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), AGENTAPI_PROXY_PROFILE: '' }
  const file = join(dir, 'config', 'agentapi-proxy', 'config.json')
  const profiles = () => JSON.parse(readFileSync(file, 'utf8')).profiles
  return { env, file, profiles }
}

// Each CLI run is a child process that compiles the CLI on the fly: a second or more apiece.
describe('agentapi-proxy login', { timeout: 120_000 }, () => {
  it('signs in through the browser, keeps the token in a 0600 profile that later commands use, and logs out', async () => {
    const { env, file, profiles } = home()
    const result = join(env.HOME, 'browser.json')
    const login = await proxy.cli(['--profile', 'work', 'login'], {
      env: { ...env, BROWSER, FAKE_BROWSER_RESULT: result },
    })
    expect(login.code, login.stderr).toBe(0)
    expect(login.stderr).toContain(`${github.url}/login/oauth/authorize?`)
    expect(login.stderr).toMatch(
      new RegExp(`Signed in to ${proxy.url} as ada \\(profile work, ${file}\\)`),
    )
    expect(await browserResult(result)).toMatchObject({ status: 200 })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(env.XDG_CONFIG_HOME, 'agentapi-proxy')).mode & 0o777).toBe(0o700)
    const work = profiles().work
    expect(work).toMatchObject({
      url: proxy.url,
      user: 'ada',
      token: expect.stringMatching(/^aapo_/),
    })

    // No URL or credential in the environment: the profile gives both, chosen before or after the verb.
    const plain = { ...env, AGENTAPI_PROXY_URL: '' }
    const listed = await proxy.cli(['list', '--json'], { env: plain })
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout)).toMatchObject({ sessions: [] })
    const whoami = await proxy.cli(['whoami', '--profile', 'work'], { env: plain })
    expect(whoami).toMatchObject({ code: 0 })
    expect(whoami.stdout).toMatch(/^3 at .* \(profile work\): role developer, .* by oauth\n$/)
    const shown = await proxy.cli(['profiles', 'list'], { env: plain })
    expect(shown.stdout).toMatch(
      /^\* work\s+http:\/\/127\.0\.0\.1:\d+\s+ada\s+token aapo_[\w-]{2}…[\w-]{4}\s+\S+ \(renews\)\n$/m,
    )
    expect(shown.stdout).not.toContain(work.token)

    // A --url other than the profile's never receives the profile's token.
    const elsewhere = await proxy.cli(
      ['list', '--url', `${proxy.url}/`.replace('127.0.0.1', 'localhost')],
      {
        env: plain,
      },
    )
    expect(elsewhere.code).toBe(4)

    // An expired access token is traded for a new pair before the request, and saved.
    writeFileSync(
      file,
      JSON.stringify({
        default_profile: 'work',
        profiles: { work: { ...work, expires_at: '2020-01-01T00:00:00Z' } },
      }),
    )
    const renewed = await proxy.cli(['whoami'], { env: plain })
    expect(renewed.code, renewed.stderr).toBe(0)
    const fresh = profiles().work
    expect(fresh.token).not.toBe(work.token)
    expect(fresh.refresh_token).not.toBe(work.refresh_token)
    expect(Date.parse(fresh.expires_at)).toBeGreaterThan(Date.now())
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await expect(
      createClient({ baseUrl: proxy.url, token: work.token }).authStatus(),
    ).rejects.toMatchObject({
      status: 401,
    })

    const logout = await proxy.cli(['logout'], { env: plain })
    expect(logout.code, logout.stderr).toBe(0)
    expect(profiles().work).toEqual({ url: proxy.url, user: 'ada' })
    await expect(
      createClient({ baseUrl: proxy.url, token: fresh.token }).authStatus(),
    ).rejects.toMatchObject({
      status: 401,
    })
  })

  it('refuses a redirect whose state is not its own and keeps no profile', async () => {
    const { env, file } = home()
    const result = join(env.HOME, 'browser.json')
    const login = await proxy.cli(['login'], {
      env: { ...env, BROWSER, FAKE_BROWSER_RESULT: result, FAKE_BROWSER_STATE: 'forged-state' },
    })
    expect(login.code).toBe(4)
    expect(login.stderr).toMatch(/error: not signed in: the answer belongs to another sign-in/)
    expect(await browserResult(result)).toMatchObject({ status: 400 })
    expect(existsSync(file)).toBe(false)
  })

  it('takes the pasted redirect URL, or the code alone, when the browser cannot come back', async () => {
    const { env, profiles } = home()
    for (const [profile, paste] of [
      ['pasted-url', (back: URL) => back.href],
      ['pasted-code', (back: URL) => back.searchParams.get('code') ?? ''],
    ] as const) {
      const authorizePages = () =>
        github.requests.filter((r) => r.path.startsWith('/login/oauth/authorize')).length
      const before = authorizePages()
      // BROWSER is set, but --no-browser wins: only the pasted answer can sign in.
      const child = spawnCli(['login', '--no-browser', '--profile', profile], {
        env: { ...env, AGENTAPI_PROXY_URL: proxy.url, BROWSER },
        stdin: 'pipe',
      })
      const { stderr, exited } = watch(child)
      const [authUrl] = await stderr.waitFor(/http:\/\/\S+\/login\/oauth\/authorize\?\S+/)
      await stderr.waitFor(/paste the URL it was sent to \(or the code\) here:/)
      // The browser is elsewhere (ssh): GitHub's redirect to this machine's loopback never lands.
      const back = await submitConsent(authUrl, { login: 'ada' })
      child.stdin?.write(`${paste(back)}\n`)
      const { code } = await exited
      expect(code, stderr.text).toBe(0)
      expect(stderr.text).not.toContain('Your browser was opened')
      expect(authorizePages() - before).toBe(2) // submitConsent's page and form, nothing else
      const saved = profiles()[profile]
      const works = await createClient({ baseUrl: proxy.url, token: saved.token }).authStatus()
      expect(works).toMatchObject({ authenticated: true, auth_type: 'oauth' })
    }
  })

  it('refuses a pasted URL with another state', async () => {
    const { env, file } = home()
    const child = spawnCli(['login', '--no-browser'], {
      env: { ...env, AGENTAPI_PROXY_URL: proxy.url },
      stdin: 'pipe',
    })
    const { stderr, exited } = watch(child)
    const [authUrl] = await stderr.waitFor(/http:\/\/\S+\/login\/oauth\/authorize\?\S+/)
    const back = await submitConsent(authUrl, { login: 'ada' })
    back.searchParams.set('state', 'not-mine')
    child.stdin?.write(`${back.href}\n`)
    const { code } = await exited
    expect(code).toBe(4)
    expect(stderr.text).toContain('its state does not match')
    expect(existsSync(file)).toBe(false)
  })

  it('keeps an API key in a profile once the server accepts it, and refuses one it does not', async () => {
    const { env, file, profiles } = home()
    const plain = { ...env, AGENTAPI_PROXY_URL: '' }
    const wrong = await proxy.cli(['login', '--url', proxy.url, '--api-key', `${ADMIN_KEY}x`], {
      env: plain,
    })
    expect(wrong.code).toBe(4)
    expect(existsSync(file)).toBe(false)
    const login = await proxy.cli(
      ['login', '--profile', 'ci', '--url', proxy.url, '--api-key', ADMIN_KEY],
      {
        env: plain,
      },
    )
    expect(login.code, login.stderr).toBe(0)
    expect(profiles().ci).toEqual({ url: proxy.url, api_key: ADMIN_KEY, user: 'alice' })
    const keys = await proxy.cli(['keys', 'list', '--json'], { env: plain })
    expect(keys.code, keys.stderr).toBe(0)
  })

  it('says what the admin must turn on when the server refuses loopback redirects', async () => {
    const strict = await startProxy({
      auth: {
        enabled: true,
        github: {
          enabled: true,
          base_url: github.url,
          oauth: {
            ...APP,
            base_url: github.url,
            allowed_redirect_uris: ['https://app.example.com/cb'],
          },
        },
      },
    })
    try {
      const { env } = home()
      const login = await strict.cli(['login', '--no-browser'], { env })
      expect(login.code).toBe(2)
      expect(login.stderr).toMatch(
        /^error: http:\/\/127\.0\.0\.1:\d+ does not accept a sign-in redirected to this machine \(http:\/\/127\.0\.0\.1:\d+\/callback\) — its admin can allow it with auth\.github\.oauth\.loopback_redirects: true\n$/,
      )
    } finally {
      await strict.close()
    }
  })
})
