// RFC 8252 §7.3: a native app listens on a loopback port the OS picks, so the authorization
// server must accept any port there. Only IP literals count (§8.3: "localhost" may resolve
// elsewhere), only plain http (nothing else can be served on a loopback listener), and never
// with credentials or a fragment.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]'])

/** The redirect rules of `auth.github.oauth`. */
export interface RedirectPolicy {
  allowed_redirect_uris: readonly string[]
  loopback_redirects: boolean
}

/**
 * Whether `/oauth/authorize` may send a sign-in back to `uri`: one of `allowed_redirect_uris`
 * exactly, or, with `loopback_redirects`, any port and path on 127.0.0.1 or [::1].
 *
 * @example
 * redirectAllowed({ allowed_redirect_uris: [], loopback_redirects: true },
 *   'http://127.0.0.1:53117/callback') // true
 */
export function redirectAllowed(policy: RedirectPolicy, uri: string): boolean {
  if (policy.allowed_redirect_uris.includes(uri)) return true
  if (!policy.loopback_redirects || !URL.canParse(uri)) return false
  const url = new URL(uri)
  return (
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    url.hash === '' &&
    !uri.includes('#')
  )
}
