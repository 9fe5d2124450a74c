import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TempDirs } from '@agentapi-proxy/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { connect } from './connection.ts'
import {
  maskSecret,
  profileFilePath,
  readProfileConfig,
  writeProfileConfig,
} from './profile-file.ts'

const dirs = new TempDirs()
afterEach(() => dirs.removeAll())

const WORK = 'https://agents.example.com'
const LAB = 'http://127.0.0.1:9000'

function withProfiles() {
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: dirs.make('aap-profiles-') }
  writeProfileConfig(
    {
      default_profile: 'work',
      profiles: {
        work: { url: WORK, token: 'aapo_work-token-0123456789', user: 'ada' },
        lab: { url: `${LAB}/`, api_key: 'aap_lab-key-0123456789', api_key_header: 'X-Lab-Key' },
      },
    },
    env,
  )
  return env
}

describe('connect', () => {
  it('takes flags over the environment over the profile over the defaults', () => {
    const env = withProfiles()
    expect(connect({}, env)).toMatchObject({
      url: WORK,
      token: 'aapo_work-token-0123456789',
      profile: 'work',
    })
    expect(connect({ profile: 'lab' }, env)).toMatchObject({
      url: LAB,
      apiKey: 'aap_lab-key-0123456789',
      token: undefined,
      profile: 'lab',
    })
    expect(connect({}, { ...env, AGENTAPI_PROXY_PROFILE: 'lab' })).toMatchObject({
      url: LAB,
      profile: 'lab',
    })
    expect(connect({ profile: 'work' }, { ...env, AGENTAPI_PROXY_PROFILE: 'lab' })).toMatchObject({
      url: WORK,
    })
    // A credential from a flag or the environment replaces the profile's, not adds to it.
    expect(connect({ apiKey: 'flag-key' }, env)).toMatchObject({
      url: WORK,
      apiKey: 'flag-key',
      token: undefined,
    })
    expect(connect({}, { ...env, AGENTAPI_PROXY_TOKEN: 'env-token' })).toMatchObject({
      token: 'env-token',
      profile: undefined,
    })
    expect(
      connect({}, { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME as string, HOME: '/nonexistent' }),
    ).toMatchObject({
      url: WORK,
    })
  })

  it("never sends a profile's credential to another URL than the profile's", () => {
    const env = withProfiles()
    expect(connect({ url: 'https://evil.example' }, env)).toMatchObject({
      url: 'https://evil.example',
      token: undefined,
      apiKey: undefined,
      profile: undefined,
    })
    expect(connect({}, { ...env, AGENTAPI_PROXY_URL: LAB })).toMatchObject({ token: undefined })
    expect(connect({ url: `${WORK}/` }, env)).toMatchObject({ token: 'aapo_work-token-0123456789' })
  })

  it('refuses a profile named on purpose that does not exist, naming those that do', () => {
    const env = withProfiles()
    expect(() => connect({ profile: 'wrok' }, env)).toThrow(/no profile named wrok/)
    expect(() => connect({}, { ...env, AGENTAPI_PROXY_PROFILE: 'nope' })).toThrow(
      /no profile named nope/,
    )
    // The default profile may be missing: no file is a fresh install.
    const fresh = { XDG_CONFIG_HOME: dirs.make('aap-profiles-') }
    expect(connect({}, fresh)).toMatchObject({ url: 'http://127.0.0.1:8080', profile: undefined })
  })
})

describe('the profile file', () => {
  it('is written atomically with mode 0600 in a 0700 directory, leaving no temporary file', () => {
    const env = withProfiles()
    const path = profileFilePath(env)
    expect(path).toBe(join(env.XDG_CONFIG_HOME as string, 'agentapi-proxy', 'config.json'))
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700)
    expect(readdirSync(join(path, '..'))).toEqual(['config.json'])
    expect(readProfileConfig(env).profiles.work?.user).toBe('ada')
  })

  it('is under ~/.config without XDG_CONFIG_HOME, or with a relative one', () => {
    expect(profileFilePath({ HOME: '/home/ada' })).toBe(
      '/home/ada/.config/agentapi-proxy/config.json',
    )
    expect(profileFilePath({ HOME: '/home/ada', XDG_CONFIG_HOME: 'rel' })).toBe(
      '/home/ada/.config/agentapi-proxy/config.json',
    )
  })

  it('is refused, not overwritten, when it is not a profile file', () => {
    const env = withProfiles()
    writeFileSync(profileFilePath(env), '{"profiles": {"x": {"token": 1}}}')
    expect(() => readProfileConfig(env)).toThrow(/is not an agentapi-proxy config file/)
  })

  it.each([
    ['aapo_3f9c0123456789abcdef', 'aapo_3f…cdef'],
    ['ghp_ada000000000000000000000000000000000', 'ghp_ad…0000'],
    ['short', '…'],
  ])('masks %s as %s', (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked)
  })
})
