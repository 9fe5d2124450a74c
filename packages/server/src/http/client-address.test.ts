import { describe, expect, it } from 'vitest'
import { clientAddress, isLoopback } from './client-address.ts'

describe('clientAddress', () => {
  it.each([
    ['the peer, without X-Forwarded-For', '10.0.0.2', undefined, false, '10.0.0.2'],
    ['the peer, when the proxy is not trusted', '10.0.0.2', '203.0.113.7', false, '10.0.0.2'],
    [
      'the last forwarded address behind a trusted proxy',
      '10.0.0.2',
      '1.2.3.4, 203.0.113.7',
      true,
      '203.0.113.7',
    ],
    ['the last of several headers', '10.0.0.2', ['1.2.3.4', '203.0.113.7'], true, '203.0.113.7'],
    [
      'the peer when the forwarded address is not an address',
      '10.0.0.2',
      'unknown',
      true,
      '10.0.0.2',
    ],
    ['IPv4 unmapped from IPv6', '::ffff:127.0.0.1', undefined, false, '127.0.0.1'],
    ['null when nothing is known', undefined, undefined, false, null],
  ] as const)('is %s', (_, peer, forwarded, trust, expected) => {
    expect(clientAddress(peer, forwarded as string | string[] | undefined, trust)).toBe(expected)
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['1270.0.0.1', false],
    [null, false],
  ] as const)('%s → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected)
  })
})
