import { proxyClient } from './api.ts'
import { SIGNED_IN_KEY, STATE_KEY } from './storage-keys.ts'

/**
 * Who is signed in in this tab: the proxy's own access token — GitHub's token never leaves the
 * proxy — and the GitHub account behind it. The refresh token is not kept: after the access
 * token's lifetime (8 h by default) the person simply signs in again.
 */
export interface SignedIn {
  token: string
  expiresAt: string
  login: string
  name: string | null
}

/** Where GitHub sends the browser back; it must be in the proxy's `allowed_redirect_uris`. */
export function callbackUrl(): string {
  return new URL('/callback', location.origin).href
}

/** This tab's sign-in, unless there is none or it has expired. */
export function currentSignIn(): SignedIn | undefined {
  const saved = sessionStorage.getItem(SIGNED_IN_KEY)
  if (!saved) return undefined
  const signedIn = JSON.parse(saved) as SignedIn
  if (Date.parse(signedIn.expiresAt) > Date.now()) return signedIn
  forgetSignIn()
  return undefined
}

/** Asks the proxy for GitHub's authorize URL and sends the browser there. */
export async function startSignIn(): Promise<void> {
  const { auth_url, state } = await proxyClient().oauthAuthorize({ redirect_uri: callbackUrl() })
  sessionStorage.setItem(STATE_KEY, state)
  location.assign(auth_url)
}

/** Trades what GitHub appended to `/callback` for the proxy's token, and keeps it. */
export async function finishSignIn(query: URLSearchParams): Promise<SignedIn> {
  const expected = sessionStorage.getItem(STATE_KEY)
  sessionStorage.removeItem(STATE_KEY)
  const error = query.get('error')
  if (error) {
    const reason = error === 'access_denied' ? 'you cancelled on GitHub' : error
    throw new Error(`Not signed in: ${reason}.`)
  }
  const code = query.get('code')
  const state = query.get('state')
  if (!code || !state) throw new Error('GitHub sent no code back. Sign in again.')
  // The proxy checks the state too; checking it here as well means a sign-in link someone else
  // started (login CSRF) is never completed in this tab.
  if (state !== expected)
    throw new Error('This sign-in was not started in this tab. Sign in again.')
  const tokens = await proxyClient().oauthCallback({ code, state })
  const signedIn: SignedIn = {
    token: tokens.access_token,
    expiresAt: tokens.expires_at,
    login: tokens.user.login,
    name: tokens.user.name,
  }
  sessionStorage.setItem(SIGNED_IN_KEY, JSON.stringify(signedIn))
  return signedIn
}

/**
 * Signs out: forgets the token here first (so this tab is signed out whatever happens next),
 * then has the proxy revoke it, after which the proxy refuses it everywhere.
 */
export async function signOut(signedIn: SignedIn): Promise<void> {
  forgetSignIn()
  await proxyClient(signedIn.token).oauthLogout()
}

/** Drops this tab's token without telling the proxy (it was refused already). */
export function forgetSignIn(): void {
  sessionStorage.removeItem(SIGNED_IN_KEY)
}
