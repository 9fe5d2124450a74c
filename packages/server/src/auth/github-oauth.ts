import { randomBytes, randomUUID } from 'node:crypto'
import type {
  OAuthAuthorizeResponse,
  OAuthLogoutResponse,
  OAuthTokenResponse,
} from '@agentapi-proxy/shared'
import type { Config } from '../config/schema.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { CredentialEvents } from './credential-events.ts'
import type { GitHubApp, GitHubClient } from './github-client.ts'
import { exchangeCode } from './github-code-exchange.ts'
import type { GitHubIdentity, GitHubTokenResolver } from './github-token.ts'
import type { OAuthStateStore, OAuthTokenRow, OAuthTokenStore } from './oauth-store.ts'
import { issueTokens, oauthFamilyId, oauthTokenId } from './oauth-tokens.ts'
import type { Principal } from './principal.ts'
import { redirectAllowed } from './redirect-uri.ts'
import { hashSecret, secretMatches } from './secret.ts'

/** `auth.github.oauth` of the config. */
export type OAuthConfig = NonNullable<Config['auth']['github']['oauth']>

const MINUTE = 60_000

/** What {@link OAuthService} is built from. */
export interface OAuthServiceOptions {
  oauth: OAuthConfig
  /** The REST client, for revoking GitHub's token at logout. */
  github: GitHubClient
  resolver: GitHubTokenResolver
  states: OAuthStateStore
  tokens: OAuthTokenStore
  logger?: Logger
  clock?: () => number
  /** How long a sign-in may take between authorize and callback. Default 10 min, like GitHub's codes. */
  stateTtlMs?: number
  /** Lifetime of an access token. Default 8 h, a working day. */
  accessTtlMs?: number
  /** Lifetime of a refresh token, counted from sign-in or the last refresh. Default 30 days. */
  refreshTtlMs?: number
  /** What logout revokes at GitHub: this sign-in's token (default) or the user's whole grant. */
  revokeAtGitHub?: 'token' | 'grant'
  /** Told of every revoked token and sign-in, so open streams close and minted keys die. */
  events?: CredentialEvents
}

/**
 * GitHub OAuth for the proxy: the browser signs in at GitHub, the proxy exchanges the code
 * server-side and hands out its own access and refresh tokens. GitHub's token stays on the
 * server, used to re-check the user at refresh and revoked at logout.
 *
 * @example
 * const { auth_url } = await oauth.authorize('http://localhost:5173/callback')
 * // …GitHub redirects to the app with ?code&state, the app posts them on:
 * const tokens = await oauth.callback(code, state)
 * const principal = await oauth.authenticateToken(tokens.access_token)
 */
export class OAuthService {
  readonly #oauth: OAuthConfig
  readonly #app: GitHubApp
  readonly #options: OAuthServiceOptions
  readonly #clock: () => number

  constructor(options: OAuthServiceOptions) {
    const { client_id, client_secret } = options.oauth
    if (!client_id || !client_secret) throw new Error('OAuth needs a client_id and a client_secret')
    this.#oauth = options.oauth
    this.#app = { client_id, client_secret }
    this.#options = options
    this.#clock = options.clock ?? Date.now
  }

  /** Starts a sign-in: a single-use `state` and the GitHub URL to send the browser to. */
  async authorize(redirectUri: string): Promise<OAuthAuthorizeResponse> {
    if (!redirectAllowed(this.#oauth, redirectUri)) {
      const message = this.#oauth.loopback_redirects
        ? 'Not in auth.github.oauth.allowed_redirect_uris, nor an http://127.0.0.1 or http://[::1] URI'
        : 'Not in auth.github.oauth.allowed_redirect_uris (and auth.github.oauth.loopback_redirects is off)'
      throw new AppError('invalid_request', `redirect_uri: ${message}`, {
        errors: [{ path: 'redirect_uri', message }],
      })
    }
    const state = randomBytes(32).toString('base64url')
    const now = this.#clock()
    await this.#options.states.put({
      state_hash: hashSecret(state),
      redirect_uri: redirectUri,
      created_at: iso(now),
      expires_at: iso(now + (this.#options.stateTtlMs ?? 10 * MINUTE)),
    })
    const { client_id } = this.#app
    const query = new URLSearchParams({
      client_id,
      redirect_uri: redirectUri,
      scope: this.#oauth.scope,
      state,
    })
    const base = this.#oauth.base_url.replace(/\/+$/, '')
    return { auth_url: `${base}/login/oauth/authorize?${query}`, state }
  }

  /** Finishes a sign-in: checks the state once, trades the code at GitHub, issues our tokens. */
  async callback(code: string, state: string): Promise<OAuthTokenResponse> {
    const pending = await this.#options.states.take(hashSecret(state))
    if (!pending || Date.parse(pending.expires_at) <= this.#clock()) {
      throw new AppError(
        'bad_request',
        'Unknown, expired or already used OAuth state; start again with POST /oauth/authorize',
      )
    }
    const githubToken = await exchangeCode({
      baseUrl: this.#oauth.base_url,
      app: this.#app,
      code,
      redirectUri: pending.redirect_uri,
    })
    const identity = await this.#options.resolver.resolve(githubToken)
    return this.#issue(identity, githubToken, randomUUID())
  }

  /** Trades a refresh token for a new pair; the old pair stops working at once. */
  async refresh(refreshToken: string): Promise<OAuthTokenResponse> {
    const row = await this.#options.tokens.findByRefreshHash(hashSecret(refreshToken))
    if (!row || !secretMatches(refreshToken, row.refresh_hash)) {
      throw new AppError('unauthorized', 'Unknown refresh token; sign in again')
    }
    const now = this.#clock()
    if (row.revoked_at !== null) return this.#refuseReuse(row)
    if (Date.parse(row.refresh_expires_at) <= now) {
      throw new AppError(
        'credentials_expired',
        `This sign-in expired at ${row.refresh_expires_at}; sign in again`,
      )
    }
    // GitHub decides whether the user still may sign in, and with which teams, before the
    // old pair is spent: a GitHub outage must not cost the user their refresh token.
    const identity = await this.#recheck(row)
    if (!(await this.#options.tokens.revoke(row.id, iso(now)))) return this.#refuseReuse(row)
    await this.#options.events?.revoked([oauthTokenId(row)])
    return this.#issue(identity, row.github_token, row.family_id)
  }

  /** Signs out: every token of this sign-in stops working, and GitHub's token is revoked. */
  async logout(accessToken: string): Promise<OAuthLogoutResponse> {
    await this.signOut(accessToken)
    return { status: 'logged_out' }
  }

  /**
   * {@link logout}, saying who was signed out: null when the token was unknown or already
   * revoked (nothing happened, which the audit log must not record as a sign-out).
   */
  async signOut(accessToken: string): Promise<{ user_id: string } | null> {
    const row = await this.#options.tokens.findByAccessHash(hashSecret(accessToken))
    if (!row || !secretMatches(accessToken, row.access_hash) || row.revoked_at !== null) {
      return null
    }
    await this.#revokeFamily(row.family_id)
    this.#options.resolver.forget(row.github_token)
    await this.#revokeAtGitHub(row)
    return { user_id: row.user_id }
  }

  /** The principal behind one of our access tokens; `unauthorized` or `credentials_expired`. */
  async authenticateToken(token: string): Promise<Principal> {
    const row = await this.#options.tokens.findByAccessHash(hashSecret(token))
    if (!row || !secretMatches(token, row.access_hash)) {
      throw new AppError('unauthorized', 'Unknown access token; sign in again')
    }
    if (row.revoked_at !== null) {
      throw new AppError(
        'unauthorized',
        `This access token was revoked at ${row.revoked_at} (signed out or refreshed)`,
      )
    }
    if (Date.parse(row.expires_at) <= this.#clock()) {
      throw new AppError(
        'credentials_expired',
        `This access token expired at ${row.expires_at}; refresh it with POST /oauth/refresh or sign in again`,
      )
    }
    const family = oauthFamilyId(row.family_id)
    return {
      user_id: row.user_id,
      role: row.role,
      permissions: row.permissions,
      auth_type: 'oauth',
      // A key minted by a sign-in lives at most as long as the sign-in, not its 8-hour token.
      credential: {
        ids: [oauthTokenId(row), family],
        expires_at: row.expires_at,
        minter_id: family,
        minter_expires_at: row.refresh_expires_at,
      },
    }
  }

  async #revokeFamily(familyId: string): Promise<void> {
    await this.#options.tokens.revokeFamily(familyId, iso(this.#clock()))
    await this.#options.events?.revoked([oauthFamilyId(familyId)])
  }

  async #issue(identity: GitHubIdentity, githubToken: string, familyId: string) {
    const { row, response } = issueTokens(identity, githubToken, familyId, this.#clock(), {
      access: this.#options.accessTtlMs ?? 8 * 60 * MINUTE,
      refresh: this.#options.refreshTtlMs ?? 30 * 24 * 60 * MINUTE,
    })
    await this.#options.tokens.insert(row)
    return response
  }

  async #recheck(row: OAuthTokenRow): Promise<GitHubIdentity> {
    try {
      return await this.#options.resolver.resolve(row.github_token)
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') {
        await this.#revokeFamily(row.family_id)
        throw new AppError(
          'unauthorized',
          'GitHub no longer accepts this sign-in (access was revoked); sign in again',
        )
      }
      throw error
    }
  }

  // A refresh token used twice means two parties hold it: end the whole chain (RFC 9700 §4.14).
  async #refuseReuse(row: OAuthTokenRow): Promise<never> {
    await this.#revokeFamily(row.family_id)
    throw new AppError('unauthorized', 'This refresh token was already used; sign in again')
  }

  // Logout never fails because GitHub did: the proxy's tokens are already dead. 404 means
  // GitHub had already forgotten the token, which is the goal too.
  async #revokeAtGitHub(row: OAuthTokenRow): Promise<void> {
    const kind = this.#options.revokeAtGitHub ?? 'token'
    try {
      await this.#options.github.revoke(this.#app, row.github_token, kind)
    } catch (error) {
      const detail = error instanceof AppError ? error.detail : 'unexpected error'
      this.#options.logger?.warn(
        { user_id: row.user_id, kind, detail },
        'could not revoke the GitHub token at logout',
      )
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
