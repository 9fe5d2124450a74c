import type { ServerResponse } from 'node:http'
import { isWildcardAllowList } from './allow-list.ts'
import { goHostname, goPort, parseGoUrl } from './go-url.ts'

/**
 * agentapi's Host-header allow-list (`--allowed-hosts`): checked before CORS and routing on
 * every request; a miss gets a plain-text 400 that names the allowed hosts.
 */

/** agentapi's default `--allowed-hosts`. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]']

/**
 * Validates `--allowed-hosts` like agentapi and returns the bare host names (IPv6 unbracketed),
 * or `['*']`. Throws with agentapi's message (`'x' must not include a port`, …).
 */
export function parseAllowedHosts(input: readonly string[]): string[] {
  if (isWildcardAllowList(input)) return ['*']
  for (const item of input) {
    if (item.includes('http://') || item.includes('https://')) {
      throw new Error(`'${item}' must not include http:// or https://`)
    }
  }
  const hosts = input.map((item) => {
    const url = parseGoUrl(`http://${item.trim()}`)
    if ('error' in url) throw new Error(`'${item}' is not a valid host: ${url.error}`)
    return url.host
  })
  for (const host of hosts) {
    if (goPort(host) !== '') throw new Error(`'${host}' must not include a port`)
  }
  return hosts.map(goHostname)
}

/** The Host-header check, built from the output of {@link parseAllowedHosts}. */
export class HostCheck {
  #allowed: ReadonlySet<string>
  #any: boolean
  #rejection: string

  constructor(hosts: readonly string[]) {
    this.#any = hosts.includes('*')
    this.#allowed = new Set(hosts.map((host) => host.toLowerCase()))
    this.#rejection = `Invalid host header. Allowed hosts: ${hosts.join(', ')}\n`
  }

  /** Whether a request with this Host header may pass; the port is ignored. */
  allows(hostHeader: string | undefined): boolean {
    if (this.#any) return true
    if (!hostHeader) return false
    const url = parseGoUrl(`http://${hostHeader}`)
    return !('error' in url) && this.#allowed.has(goHostname(url.host).toLowerCase())
  }

  /** Writes the 400 that Go's `http.Error` produces. */
  reject(res: ServerResponse): void {
    res.writeHead(400, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(this.#rejection),
    })
    res.end(this.#rejection)
  }
}
