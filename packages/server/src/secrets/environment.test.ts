import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isSecretName, openEnvironment, sealEnvironment } from './environment.ts'
import { SecretBox } from './secret-box.ts'

describe('isSecretName', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['openai_api_key', true],
    ['Client_Secret', true],
    ['DB_PASSWORD', true],
    ['AWS_SHARED_CREDENTIALS_FILE', true],
    ['LOG_LEVEL', false],
    ['PATH', false],
    ['DATABASE_URL', false],
  ])('%s → %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected)
  })

  it('adds extra names, matched whole and case-insensitively', () => {
    expect(isSecretName('DATABASE_URL', ['database_url'])).toBe(true)
    expect(isSecretName('DATABASE_URL_2', ['database_url'])).toBe(false)
  })
})

describe('sealEnvironment and openEnvironment', () => {
  const box = new SecretBox(randomBytes(32))

  it('seals only secret values and opens them back', () => {
    const environment = { GITHUB_TOKEN: 'ghp_x', DSN: 'postgres://u:p@h/db', LOG_LEVEL: 'debug' }
    const sealed = sealEnvironment(environment, box, ['DSN'])
    expect(sealed.LOG_LEVEL).toBe('debug')
    expect(sealed.GITHUB_TOKEN).toMatch(/^enc:v1:/)
    expect(sealed.DSN).toMatch(/^enc:v1:/)
    expect(openEnvironment(sealed, box)).toStrictEqual(environment)
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
