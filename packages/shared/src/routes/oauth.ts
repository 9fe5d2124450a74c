import { createRoute } from '@hono/zod-openapi'
import {
  OAuthAuthorizeRequestSchema,
  OAuthAuthorizeResponseSchema,
  OAuthCallbackQuerySchema,
  OAuthLogoutResponseSchema,
  OAuthRefreshRequestSchema,
  OAuthTokenResponseSchema,
} from '../oauth.ts'
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
    ...problems(400, 403, 422),
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
    ...problems(400, 401, 422, 502),
  },
})

export const oauthRefresh = createRoute({
  method: 'post',
  path: '/oauth/refresh',
  tags: ['OAuth'],
  summary: 'Refresh a token',
  description: 'Trade a refresh token for a new token pair',
  request: { body: jsonBody(OAuthRefreshRequestSchema) },
  responses: { 200: json(OAuthTokenResponseSchema, 'New tokens'), ...problems(400, 401, 422) },
})

export const oauthLogout = createRoute({
  method: 'post',
  path: '/oauth/logout',
  tags: ['OAuth'],
  summary: 'Sign out',
  description: "Revoke the caller's token server-side (and the GitHub grant)",
  security: [{ bearer: [] }],
  responses: { 200: json(OAuthLogoutResponseSchema, 'Signed out'), ...problems(401) },
})
