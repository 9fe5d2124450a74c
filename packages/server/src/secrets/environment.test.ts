import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { openEnvironment, sealEnvironment } from './environment.ts'
import { SecretBox } from './secret-box.ts'

describe('sealEnvironment and openEnvironment', () => {
  const box = new SecretBox(randomBytes(32))

  // Issue 19 item 14: a name-based guess left these in clear.
  it('seals every value, whatever its name, and opens them back', () => {
    const environment = {
      DATABASE_URL: 'postgres://u:hunter2@h/db',
      DB_PASSWD: 'hunter2',
      PASS: 'p',
      AUTH: 'a',
      BEARER: 'b',
      TLS_PEM: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
      LOG_LEVEL: 'debug',
      EMPTY: '',
    }
    const sealed = sealEnvironment(environment, box)
    for (const value of Object.values(sealed)) expect(value).toMatch(/^enc:v1:/)
    expect(openEnvironment(sealed, box)).toStrictEqual(environment)
  })

  it('reads rows written when only secret-looking values were sealed', () => {
    const old = { GITHUB_TOKEN: box.seal('ghp_x'), LOG_LEVEL: 'debug' }
    expect(openEnvironment(old, box)).toStrictEqual({ GITHUB_TOKEN: 'ghp_x', LOG_LEVEL: 'debug' })
  })

  it('round-trips a plain value that happens to look sealed', () => {
    const environment = { NOTE: 'enc:v1:not-really' }
    expect(openEnvironment(sealEnvironment(environment, box), box)).toStrictEqual(environment)
  })

  it('says which variable needs a key when there is none', () => {
    const sealed = sealEnvironment({ API_KEY: 'k' }, box)
    expect(() => openEnvironment(sealed, undefined)).toThrow(/API_KEY is stored encrypted/)
  })
})
