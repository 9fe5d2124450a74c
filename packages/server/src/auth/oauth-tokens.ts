import { randomUUID } from 'node:crypto'
import type { OAuthTokenResponse } from '@agentapi-proxy/shared'
import type { GitHubIdentity } from './github-token.ts'
import type { OAuthTokenRow } from './oauth-store.ts'
import { createSecret, hashSecret } from './secret.ts'

/**
 * Prefix of the proxy's own OAuth access tokens: recognisable, and never sent to GitHub.
 *
 * @example
 * if (credential.startsWith(OAUTH_ACCESS_PREFIX)) await oauth.authenticateToken(credential)
 */
export const OAUTH_ACCESS_PREFIX = 'aapo_'

/**
 * Prefix of the proxy's refresh tokens, which authenticate nothing but `POST /oauth/refresh`.
 *
 * @example
 * refreshToken.startsWith(OAUTH_REFRESH_PREFIX) // true
 */
export const OAUTH_REFRESH_PREFIX = 'aapr_'

/** How long a new pair lives, in milliseconds. */
export interface TokenLifetimes {
  access: number
  refresh: number
}

/** What one sign-in (or refresh) produces: the row to store and the response to send. */
export interface IssuedTokens {
  row: OAuthTokenRow
  response: OAuthTokenResponse
}

/**
 * A fresh access and refresh token for a GitHub identity. The row keeps only their digests and
 * GitHub's token; the response carries our two tokens and never GitHub's.
 *
 * @example
 * const { row, response } = issueTokens(identity, githubToken, familyId, Date.now(), lifetimes)
 * await store.insert(row)
 */
export function issueTokens(
  identity: GitHubIdentity,
  githubToken: string,
  familyId: string,
  now: number,
  lifetimes: TokenLifetimes,
): IssuedTokens {
  const access = createSecret(OAUTH_ACCESS_PREFIX)
  const refresh = createSecret(OAUTH_REFRESH_PREFIX)
  const { user_id, role } = identity.principal
  const permissions = [...identity.principal.permissions]
  const row: OAuthTokenRow = {
    id: randomUUID(),
    family_id: familyId,
    access_hash: hashSecret(access),
    refresh_hash: hashSecret(refresh),
    user_id,
    login: identity.login,
    name: identity.name,
    role,
    permissions,
    github_token: githubToken,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + lifetimes.access).toISOString(),
    refresh_expires_at: new Date(now + lifetimes.refresh).toISOString(),
    revoked_at: null,
  }
  const user = { id: user_id, login: identity.login, name: identity.name, role, permissions }
  const response: OAuthTokenResponse = {
    access_token: access,
    token_type: 'Bearer',
    expires_at: row.expires_at,
    refresh_token: refresh,
    user,
  }
  return { row, response }
}

/**
 * The credential id of one access token: revoked when it is refreshed.
 *
 * @example
 * oauthTokenId(row) // 'oauth:7f0c…'
 */
export function oauthTokenId(row: Pick<OAuthTokenRow, 'id'>): string {
  return `oauth:${row.id}`
}

/**
 * The credential id of a sign-in (every pair of its refresh chain): revoked at logout.
 *
 * @example
 * oauthFamilyId(row.family_id) // 'oauth-family:2b1d…'
 */
export function oauthFamilyId(familyId: string): string {
  return `oauth-family:${familyId}`
}
