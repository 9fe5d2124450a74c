import type {
  AuthStatusResponse,
  AuthTypesResponse,
  OAuthAuthorizeRequest,
  OAuthAuthorizeResponse,
  OAuthCallbackQuery,
  OAuthLogoutResponse,
  OAuthRefreshRequest,
  OAuthTokenResponse,
} from '@agentapi-proxy/shared'
import type { Transport } from './transport.ts'

/**
 * Who the caller is, and GitHub sign-in (the proxy issues its own bearer tokens).
 *
 * @example
 * const me = await client.authStatus()
 */
export interface AuthApi {
  /**
   * `GET /auth/types`: which methods this server accepts (public).
   *
   * @example
   * const { enabled, types } = await client.authTypes()
   */
  authTypes(): Promise<AuthTypesResponse>
  /**
   * `GET /auth/status`: the caller's user id, role and permissions.
   *
   * @example
   * const { user_id, permissions } = await client.authStatus()
   */
  authStatus(): Promise<AuthStatusResponse>
  /**
   * `POST /oauth/authorize`: GitHub's authorize URL and a one-time `state` to keep.
   *
   * @example
   * location.assign((await client.oauthAuthorize({ redirect_uri })).auth_url)
   */
  oauthAuthorize(body: OAuthAuthorizeRequest): Promise<OAuthAuthorizeResponse>
  /**
   * `GET /oauth/callback`: trades what GitHub appended to the redirect for the proxy's tokens.
   *
   * @example
   * const q = new URLSearchParams(location.search)
   * const tokens = await client.oauthCallback({ code: q.get('code')!, state: q.get('state')! })
   * const signedIn = createClient({ baseUrl, token: tokens.access_token })
   */
  oauthCallback(query: OAuthCallbackQuery): Promise<OAuthTokenResponse>
  /**
   * `POST /oauth/refresh`: a new token pair; the old pair stops working.
   *
   * @example
   * const fresh = await client.oauthRefresh({ refresh_token: tokens.refresh_token })
   */
  oauthRefresh(body: OAuthRefreshRequest): Promise<OAuthTokenResponse>
  /**
   * `POST /oauth/logout`: revokes the client's `token` server-side.
   *
   * @example
   * await createClient({ baseUrl, token }).oauthLogout()
   */
  oauthLogout(): Promise<OAuthLogoutResponse>
}

/**
 * The auth and OAuth methods over a transport.
 *
 * @example
 * const api = authApi(transport)
 */
export function authApi(transport: Transport): AuthApi {
  return {
    authTypes: () => transport.json<AuthTypesResponse>('GET', 'auth/types'),
    authStatus: () => transport.json<AuthStatusResponse>('GET', 'auth/status'),
    oauthAuthorize: (body) =>
      transport.json<OAuthAuthorizeResponse>('POST', 'oauth/authorize', { json: body }),
    oauthCallback: ({ code, state }) =>
      transport.json<OAuthTokenResponse>('GET', 'oauth/callback', {
        searchParams: { code, state },
        // A code is good for one exchange: a retried callback could only fail.
        retry: 0,
      }),
    oauthRefresh: (body) =>
      transport.json<OAuthTokenResponse>('POST', 'oauth/refresh', { json: body }),
    oauthLogout: () => transport.json<OAuthLogoutResponse>('POST', 'oauth/logout'),
  }
}
