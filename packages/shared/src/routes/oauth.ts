import { createRoute } from '@hono/zod-openapi'
import {
  OAuthAuthorizeRequestSchema,
  OAuthAuthorizeResponseSchema,
  OAuthCallbackQuerySchema,
  OAuthLogoutResponseSchema,
  OAuthRefreshRequestSchema,
  OAuthTokenResponseSchema,
} from '../oauth.ts'
import { problemExample as example } from './problem-examples.ts'
import { json, jsonBody, problems } from './responses.ts'

export const oauthAuthorize = createRoute({
  method: 'post',
  path: '/oauth/authorize',
  tags: ['OAuth'],
  summary: 'Begin GitHub sign-in',
  description: "Begin GitHub sign-in: returns GitHub's authorize URL and a one-time state",
  request: { body: jsonBody(OAuthAuthorizeRequestSchema) },
  responses: {
    200: json(OAuthAuthorizeResponseSchema, 'Where to send the browser'),
    ...problems(
      400,
      example('not_found', 'GitHub OAuth is not configured on this server (auth.github.oauth)'),
      example(
        'invalid_request',
        'redirect_uri: Not in auth.github.oauth.allowed_redirect_uris (and auth.github.oauth.loopback_redirects is off)',
        {
          errors: [
            {
              path: 'redirect_uri',
              message:
                'Not in auth.github.oauth.allowed_redirect_uris (and auth.github.oauth.loopback_redirects is off)',
            },
          ],
        },
      ),
    ),
  },
})

export const oauthCallback = createRoute({
  method: 'get',
  path: '/oauth/callback',
  tags: ['OAuth'],
  summary: 'Finish GitHub sign-in',
  description: "Finish GitHub sign-in: exchanges the code and issues the proxy's own token",
  request: { query: OAuthCallbackQuerySchema },
  responses: {
    200: json(OAuthTokenResponseSchema, 'Signed in'),
    ...problems(
      example(
        'bad_request',
        'Unknown, expired or already used OAuth state; start again with POST /oauth/authorize',
      ),
      example(
        'unauthorized',
        'GitHub refused the sign-in: bad_verification_code (The code passed is incorrect or expired.); sign in again',
      ),
      example(
        'forbidden',
        'GitHub refused GET /user/teams (the token needs one of these scopes: read:org): Resource not accessible by integration',
      ),
      example('not_found', 'GitHub OAuth is not configured on this server (auth.github.oauth)'),
      example('invalid_request', 'Invalid query: code: Required (string)', {
        errors: [{ path: 'code', message: 'Required (string)' }],
      }),
      example('service_unavailable', "GitHub's token endpoint answered 502 without a token"),
    ),
  },
})

export const oauthRefresh = createRoute({
  method: 'post',
  path: '/oauth/refresh',
  tags: ['OAuth'],
  summary: 'Refresh a token',
  description: 'Trade a refresh token for a new token pair',
  request: { body: jsonBody(OAuthRefreshRequestSchema) },
  responses: {
    200: json(OAuthTokenResponseSchema, 'New tokens'),
    ...problems(
      400,
      example('unauthorized', 'This refresh token was already used; sign in again'),
      example(
        'credentials_expired',
        'This sign-in expired at 2026-03-31T09:00:00.000Z; sign in again',
      ),
      example('invalid_request', 'Invalid body: refresh_token: Required (string)', {
        errors: [{ path: 'refresh_token', message: 'Required (string)' }],
      }),
    ),
  },
})

export const oauthLogout = createRoute({
  method: 'post',
  path: '/oauth/logout',
  tags: ['OAuth'],
  summary: 'Sign out',
  description: "Revoke the caller's token server-side (and the GitHub grant)",
  security: [{ bearer: [] }],
  responses: {
    200: json(OAuthLogoutResponseSchema, 'Signed out'),
    ...problems(
      example('unauthorized', 'Send the token to sign out as "Authorization: Bearer <token>"'),
    ),
  },
})
