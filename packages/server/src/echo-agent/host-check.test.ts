import { describe, expect, it } from 'vitest'
import { DEFAULT_ALLOWED_ORIGINS, parseAllowedOrigins } from './cors.ts'
import { DEFAULT_ALLOWED_HOSTS, HostCheck, parseAllowedHosts } from './host-check.ts'

describe('parseAllowedHosts', () => {
  it('turns the defaults into bare host names', () => {
    expect(parseAllowedHosts(DEFAULT_ALLOWED_HOSTS)).toEqual(['localhost', '127.0.0.1', '::1'])
  })

  it.each([
    [['*', 'example.com'], ['*']],
    [['[2001:db8::1]'], ['2001:db8::1']],
    [['Example.COM'], ['Example.COM']],
  ])('accepts %j as %j', (input, hosts) => {
    expect(parseAllowedHosts(input)).toEqual(hosts)
  })

  it.each([
    [[], 'the list must not be empty'],
    [['a b'], "'a b' contains whitespace characters, which are not allowed"],
    [['a,b'], "'a,b' contains comma characters, which are not allowed"],
    [['http://example.com'], "'http://example.com' must not include http:// or https://"],
    [['example.com:8080'], "'example.com:8080' must not include a port"],
    [['::1'], "'::1' must not include a port"],
  ])('refuses %j with agentapi’s message', (input, message) => {
    expect(() => parseAllowedHosts(input)).toThrow(message)
  })
})

describe('HostCheck', () => {
  const check = new HostCheck(parseAllowedHosts(DEFAULT_ALLOWED_HOSTS))

  it.each([
    'localhost',
    'localhost:3284',
    'LOCALHOST:1',
    '127.0.0.1',
    '127.0.0.1:80',
    '[::1]',
    '[::1]:3284',
  ])('lets %j through by default', (host) => {
    expect(check.allows(host)).toBe(true)
  })

  it.each([
    'example.com',
    'example.com:3284',
    'localhost.',
    'localhost:abc',
    '127.0.0.2',
    '[::2]:80',
    '',
  ])('stops %j by default', (host) => {
    expect(check.allows(host)).toBe(false)
  })

  it('stops a request without a Host header', () => {
    expect(check.allows(undefined)).toBe(false)
  })

  it('lets everything through with *', () => {
    expect(new HostCheck(['*']).allows('anything.example')).toBe(true)
    expect(new HostCheck(['*']).allows(undefined)).toBe(true)
  })
})

describe('parseAllowedOrigins', () => {
  it('keeps scheme and host only', () => {
    expect(parseAllowedOrigins(['http://localhost:3000/chat/', 'https://*.example.com'])).toEqual([
      'http://localhost:3000',
      'https://*.example.com',
    ])
  })

  it('accepts the defaults unchanged', () => {
    expect(parseAllowedOrigins(DEFAULT_ALLOWED_ORIGINS)).toEqual([...DEFAULT_ALLOWED_ORIGINS])
  })

  it.each([
    [[], 'the list must not be empty'],
    [
      ['http://a.example http://b.example'],
      'contains whitespace characters, which are not allowed',
    ],
  ])('refuses %j', (input, message) => {
    expect(() => parseAllowedOrigins(input)).toThrow(message)
  })
})
