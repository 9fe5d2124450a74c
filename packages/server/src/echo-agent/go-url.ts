/**
 * The slice of Go's `net/url` that agentapi leans on: it checks the Host header with
 * `url.Parse("http://" + r.Host).Hostname()` and normalises `--allowed-hosts` and
 * `--allowed-origins` with `url.Parse`. Reproducing its parsing keeps edge cases (ports, IPv6
 * brackets, stray characters) accepted or refused exactly as agentapi does.
 */

/** The parts of a parsed URL agentapi reads. `host` may still carry a `:port`. */
export interface GoUrl {
  scheme: string
  host: string
}

/** `url.Parse(raw)`: the URL, or Go's error text (`parse "…": …`). */
export function parseGoUrl(raw: string): GoUrl | { error: string } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go refuses exactly these bytes.
  if (/[\x00-\x1f\x7f]/.test(raw))
    return { error: `parse "${raw}": net/url: invalid control character in URL` }
  const withoutFragment = raw.split('#', 1)[0] ?? ''
  const { scheme, rest } = splitScheme(withoutFragment)
  if (scheme === undefined) return { error: `parse "${raw}": missing protocol scheme` }
  const path = rest.split('?', 1)[0] ?? ''
  if (scheme === '' && !path.startsWith('/') && (path.split('/', 1)[0] ?? '').includes(':')) {
    return { error: `parse "${raw}": first path segment in URL cannot contain colon` }
  }
  if (!path.startsWith('//')) return { scheme, host: '' }
  const authority = path.slice(2).split('/', 1)[0] ?? ''
  const host = parseHost(authority.slice(authority.lastIndexOf('@') + 1))
  return typeof host === 'string' ? { scheme, host } : { error: `parse "${raw}": ${host.error}` }
}

/** `URL.Hostname()`: the host without its port and without IPv6 brackets. */
export function goHostname(host: string): string {
  return splitHostPort(host).hostname
}

/** `URL.Port()`: the port, or "" if there is none. */
export function goPort(host: string): string {
  return splitHostPort(host).port
}

function splitScheme(raw: string): { scheme: string | undefined; rest: string } {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)
  if (match?.[1] !== undefined)
    return { scheme: match[1].toLowerCase(), rest: raw.slice(match[0].length) }
  // A leading ':' is Go's "missing protocol scheme"; anything else is a scheme-less reference.
  return { scheme: raw.startsWith(':') ? undefined : '', rest: raw }
}

function parseHost(host: string): string | { error: string } {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']')
    if (close < 0) return { error: "missing ']' in host" }
    const colonPort = host.slice(close + 1)
    if (!validOptionalPort(colonPort)) return { error: `invalid port "${colonPort}" after host` }
  } else {
    const colon = host.lastIndexOf(':')
    const colonPort = colon === -1 ? '' : host.slice(colon)
    if (!validOptionalPort(colonPort)) return { error: `invalid port "${colonPort}" after host` }
  }
  return unescapeHost(host)
}

// Characters Go lets through unescaped in a host name (besides letters, digits and non-ASCII).
const HOST_PUNCTUATION = new Set('!$&\'()*+,;=:[]<>"-_.~')

function unescapeHost(host: string): string | { error: string } {
  let out = ''
  for (let i = 0; i < host.length; i++) {
    const c = host[i] as string
    if (c === '%') {
      const hex = host.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        return { error: `invalid URL escape "${host.slice(i, i + 3)}"` }
      // Go only allows escapes of non-ASCII bytes (and %25) in a host.
      if (Number.parseInt(hex, 16) < 0x80 && hex !== '25')
        return { error: `invalid URL escape "%${hex}"` }
      out += String.fromCharCode(Number.parseInt(hex, 16))
      i += 2
    } else if (c.charCodeAt(0) < 0x80 && !/[a-zA-Z0-9]/.test(c) && !HOST_PUNCTUATION.has(c)) {
      return { error: `invalid character ${JSON.stringify(c)} in host name` }
    } else {
      out += c
    }
  }
  return out
}

function validOptionalPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort)
}

function splitHostPort(host: string): { hostname: string; port: string } {
  let hostname = host
  let port = ''
  const colon = host.lastIndexOf(':')
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    hostname = host.slice(0, colon)
    port = host.slice(colon + 1)
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1)
  return { hostname, port }
}
