import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { resolveRedirectUri } from './redirect-uri.ts'
import { escapeHtml, type Params, parseParams, readBody } from './wire.ts'
import type { CodeRecord, World } from './world.ts'

const TROUBLESHOOTING =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/'

// The exact texts GitHub sends (REFERENCE §1.4).
const ERRORS = {
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    '#incorrect-client-credentials',
  ],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    '#redirect-uri-mismatch2',
  ],
  bad_verification_code: ['The code passed is incorrect or expired.', '#bad-verification-code'],
  bad_refresh_token: ['The refresh token passed is incorrect or expired.', '#bad-refresh-token'],
} as const

type TokenError = keyof typeof ERRORS

/**
 * Codes live ten minutes (REFERENCE §1.2).
 *
 * @example
 * now += CODE_TTL_MS + 1 // with a fake clock: the code is now expired
 */
export const CODE_TTL_MS = 10 * 60_000

/**
 * `POST /login/oauth/access_token`: form or JSON body (or query), always HTTP 200 — errors too —
 * in the format the `Accept` header asks for: JSON, XML, or form-encoded by default.
 *
 * @example
 * if (url.pathname === '/login/oauth/access_token') return handleAccessToken(req, res, url, context)
 */
export async function handleAccessToken(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: { world: World; now: () => number },
): Promise<void> {
  const body = parseParams(await readBody(req), req.headers['content-type'])
  const params: Params = { ...Object.fromEntries(url.searchParams), ...body }
  const outcome = exchange(params, context)
  const fields =
    typeof outcome === 'string'
      ? {
          error: outcome,
          error_description: ERRORS[outcome][0],
          error_uri: TROUBLESHOOTING + ERRORS[outcome][1],
        }
      : outcome
  reply(res, req.headers.accept ?? '', fields)
}

function exchange(
  params: Params,
  { world, now }: { world: World; now: () => number },
): TokenError | Record<string, string> {
  const app = world.app(params.client_id ?? '')
  if (!app || app.client_secret !== params.client_secret) return 'incorrect_client_credentials'
  // Tokens from this fake never expire, so no refresh token can be right.
  if (params.grant_type === 'refresh_token') return 'bad_refresh_token'
  const code = world.code(params.code ?? '')
  const fresh = code && !code.used && now() - code.issued_at <= CODE_TTL_MS
  if (!code || !fresh || code.client_id !== app.client_id) return 'bad_verification_code'
  if (params.redirect_uri !== undefined && !redirectMatches(code, params.redirect_uri, world)) {
    return 'redirect_uri_mismatch'
  }
  if (code.code_challenge && !verifierMatches(code.code_challenge, params.code_verifier)) {
    return 'bad_verification_code'
  }
  const token = world.issueOAuthToken(code)
  return { access_token: token.token, scope: (token.scopes ?? []).join(','), token_type: 'bearer' }
}

function redirectMatches(code: CodeRecord, redirectUri: string, world: World): boolean {
  if (code.redirect_uri !== null) return code.redirect_uri === redirectUri
  const app = world.app(code.client_id)
  return app !== undefined && resolveRedirectUri(app, redirectUri) !== undefined
}

function verifierMatches(challenge: string, verifier: string | undefined): boolean {
  if (!verifier) return false
  return createHash('sha256').update(verifier).digest('base64url') === challenge
}

function reply(res: ServerResponse, accept: string, fields: Record<string, string>): void {
  if (/application\/json/i.test(accept)) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(fields))
  } else if (/application\/xml/i.test(accept)) {
    const inner = Object.entries(fields)
      .map(([key, value]) => `<${key}>${escapeHtml(value)}</${key}>`)
      .join('')
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' })
    res.end(`<OAuth>${inner}</OAuth>`)
  } else {
    res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
    res.end(new URLSearchParams(fields).toString())
  }
}
