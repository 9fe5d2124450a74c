import type { FakeApp } from './world.ts'

// RFC 8252 loopback redirects: GitHub lets the port differ for these hosts only.
const LOOPBACK = new Set(['127.0.0.1', '[::1]'])

/**
 * The redirect target GitHub would use for an authorize request, or undefined when GitHub would
 * refuse it ("The redirect_uri is not associated with this application"). Rules (REFERENCE §1.1):
 * same scheme and host, the same port except on loopback hosts, and the registered callback path
 * or a subdirectory of it. An app registered without a callback accepts any http(s) URL.
 *
 * @example
 * resolveRedirectUri({ client_id, client_secret, callback_url: 'http://127.0.0.1/cb' },
 *   'http://127.0.0.1:5173/cb/done') // 'http://127.0.0.1:5173/cb/done'
 */
export function resolveRedirectUri(
  app: FakeApp,
  requested: string | undefined,
): string | undefined {
  const registered = app.callback_url
  if (!requested) return registered
  const target = parse(requested)
  if (!target) return undefined
  if (!registered) return target.href
  const callback = parse(registered)
  if (!callback) return undefined
  if (target.protocol !== callback.protocol || target.hostname !== callback.hostname)
    return undefined
  if (target.port !== callback.port && !LOOPBACK.has(target.hostname)) return undefined
  const base = callback.pathname.endsWith('/') ? callback.pathname : `${callback.pathname}/`
  const pathFits = target.pathname === callback.pathname || target.pathname.startsWith(base)
  return pathFits ? requested : undefined
}

function parse(value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}
