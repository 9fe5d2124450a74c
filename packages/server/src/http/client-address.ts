import { isIP } from 'node:net'
import type { Context } from 'hono'
import { incomingOf } from './incoming.ts'

/**
 * The caller's address. The socket's peer, unless `trustProxy` (config `server.trust_proxy`)
 * says one reverse proxy stands in front: then the last address of `X-Forwarded-For`, which is
 * the one that proxy saw connect (every earlier entry is whatever the client chose to send).
 * IPv4 mapped into IPv6 (`::ffff:10.0.0.1`) is written as IPv4. Null when unknown.
 *
 * @example
 * clientAddress('10.0.0.2', '203.0.113.7, 10.0.0.9', true) // '10.0.0.9'
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string | null {
  if (trustProxy && forwardedFor !== undefined) {
    const all = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',')
    const last = all.at(-1)?.trim()
    if (last && isIP(unmapped(last))) return unmapped(last)
  }
  return peer ? unmapped(peer) : null
}

/** {@link clientAddress} of a Hono request; null under `app.request()`, which has no socket. */
export function requestAddress(c: Context, trustProxy: boolean): string | null {
  const peer = incomingOf(c)?.socket?.remoteAddress
  return clientAddress(peer, c.req.header('x-forwarded-for'), trustProxy)
}

/** Whether an address is this machine's own (127.0.0.0/8 or ::1). */
export function isLoopback(address: string | null): boolean {
  if (address === null) return false
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'))
}

function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}
