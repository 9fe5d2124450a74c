import type { AuthStatusResponse, AuthTypesResponse } from '@agentapi-proxy/shared'
import type { Config } from '../config/schema.ts'
import { AppError } from '../errors.ts'
import { API_KEY_PREFIX, type ApiKeyService } from './api-keys.ts'
import type { OAuthService } from './github-oauth.ts'
import type { GitHubTokenResolver } from './github-token.ts'
import { OAUTH_ACCESS_PREFIX, OAUTH_REFRESH_PREFIX } from './oauth-tokens.ts'
import { ANONYMOUS_ADMIN, type Principal } from './principal.ts'
import type { StaticKeys } from './static-keys.ts'

/** The `auth` section of the config. */
export type AuthConfig = Config['auth']

/** Request headers as Node and Hono hand them over; names in any case. */
export type RequestHeaders = Record<string, string | string[] | undefined>

/** Turns a request's headers into the caller, or throws `unauthorized` / `credentials_expired`. */
export type Authenticate = (headers: RequestHeaders) => Promise<Principal>

/** The methods {@link createAuthenticator} may try; each one left out is off. */
export interface AuthenticatorDeps {
  staticKeys?: StaticKeys
  apiKeys?: ApiKeyService
  oauth?: OAuthService
  githubTokens?: GitHubTokenResolver
}

// Our own credentials are recognised by prefix and never offered to GitHub: a proxy token sent
// to api.github.com would hand it to a third party.
const OWN_PREFIXES = [API_KEY_PREFIX, OAUTH_ACCESS_PREFIX, OAUTH_REFRESH_PREFIX]

// RFC 9110 §11.6.1: a 401 says which scheme to use.
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="agentapi-proxy"' }

/**
 * Hybrid authentication, one function for the API middleware and the proxy's hot path alike.
 * With auth off every caller is the anonymous admin. Otherwise the credential comes from the
 * configured header (default `X-API-Key`) or `Authorization: Bearer`, and is tried against
 * static keys, managed API keys, the proxy's OAuth tokens, then GitHub tokens — the only step
 * that leaves the process, so it comes last.
 *
 * @example
 * const authenticate = createAuthenticator(config.auth, { staticKeys, apiKeys, oauth, githubTokens })
 * const principal = await authenticate({ authorization: 'Bearer aapo_…' })
 */
export function createAuthenticator(auth: AuthConfig, deps: AuthenticatorDeps): Authenticate {
  if (!auth.enabled) return async () => ANONYMOUS_ADMIN
  const header = auth.static.header_name.toLowerCase()
  const staticKeys = auth.static.enabled ? deps.staticKeys : undefined
  const githubTokens = auth.github.enabled ? deps.githubTokens : undefined
  return async (headers) => {
    const credential = readCredential(headers, header)
    if (!credential) throw new AppError('unauthorized', missingDetail(auth), { headers: CHALLENGE })
    const principal =
      staticKeys?.authenticate(credential) ??
      (await deps.apiKeys?.authenticate(credential)) ??
      (await oauthPrincipal(deps.oauth, credential)) ??
      (await githubPrincipal(githubTokens, credential))
    if (principal) return principal
    const detail = 'The credentials sent are not valid: unknown, revoked or mistyped'
    throw new AppError('unauthorized', detail, { headers: CHALLENGE })
  }
}

/** The credential a request carries: the API-key header's, else a Bearer (or token) one. */
export function readCredential(headers: RequestHeaders, apiKeyHeader: string): string | undefined {
  const byName = (name: string): string | undefined => {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() !== name) continue
      const first = Array.isArray(value) ? value[0] : value
      if (first?.trim()) return first.trim()
    }
    return undefined
  }
  const apiKey = byName(apiKeyHeader)
  if (apiKey) return apiKey
  return /^(?:bearer|token)\s+(\S+)$/i.exec(byName('authorization') ?? '')?.[1]
}

async function oauthPrincipal(oauth: OAuthService | undefined, credential: string) {
  if (!oauth || !credential.startsWith(OAUTH_ACCESS_PREFIX)) return undefined
  return oauth.authenticateToken(credential)
}

async function githubPrincipal(resolver: GitHubTokenResolver | undefined, credential: string) {
  if (!resolver || OWN_PREFIXES.some((prefix) => credential.startsWith(prefix))) return undefined
  try {
    return (await resolver.resolve(credential)).principal
  } catch (error) {
    // GitHub refusing the token means it is not a credential here either; anything else (an
    // outage, a spent rate limit, a missing scope) is reported as what it is.
    if (error instanceof AppError && error.code === 'unauthorized') return undefined
    throw error
  }
}

// Managed API keys work whether or not static keys are on, so the header is always named.
function missingDetail(auth: AuthConfig): string {
  const tokens = auth.github.enabled
    ? 'an API key, a GitHub token or a token from /oauth'
    : 'an API key'
  return `No credentials: send an API key in the ${auth.static.header_name} header, or ${tokens} as "Authorization: Bearer <token>"`
}

/**
 * `GET /auth/types`: which ways of signing in this server accepts. Managed API keys are
 * accepted whenever auth is on, so `api_key` is available then even without static keys.
 *
 * @example
 * authTypes(config.auth) // { enabled: true, types: [{ type: 'api_key', name: 'API key', available: true }, …] }
 */
export function authTypes(auth: AuthConfig): AuthTypesResponse {
  const github = auth.enabled && auth.github.enabled
  // OAuth stands on its own: a team may allow sign-in through the proxy without accepting raw
  // GitHub tokens.
  const oauth = Boolean(
    auth.enabled && auth.github.oauth?.client_id && auth.github.oauth.client_secret,
  )
  return {
    enabled: auth.enabled,
    types: [
      { type: 'api_key', name: 'API key', available: auth.enabled },
      { type: 'github', name: 'GitHub token', available: github },
      { type: 'oauth', name: 'GitHub OAuth', available: oauth },
    ],
  }
}

/**
 * `GET /auth/status`: the caller as the proxy sees them.
 *
 * @example
 * authStatus(ANONYMOUS_ADMIN) // { authenticated: false, auth_type: 'none', user_id: 'anonymous', … }
 */
export function authStatus(principal: Principal): AuthStatusResponse {
  return {
    authenticated: principal.auth_type !== 'none',
    auth_type: principal.auth_type,
    user_id: principal.user_id,
    role: principal.role,
    permissions: [...principal.permissions],
  }
}
