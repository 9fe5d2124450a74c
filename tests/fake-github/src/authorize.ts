import type { IncomingMessage, ServerResponse } from 'node:http'
import { authorizePage, messagePage } from './authorize-page.ts'
import { resolveRedirectUri } from './redirect-uri.ts'
import { hasAnyScope, parseScopes } from './scopes.ts'
import { cookie, type Params, parseParams, readBody, redirect, sendHtml } from './wire.ts'
import type { FakeApp, FakeUser, World } from './world.ts'

/** What the authorize endpoint needs besides the request. */
export interface AuthorizeContext {
  world: World
  now: () => number
  /** Test mode: a request naming a known `login` is approved without showing the page. */
  autoApprove: boolean
}

/**
 * The cookie that stands for "signed in to GitHub" in this browser.
 *
 * @example
 * fetch(authUrl, { headers: { cookie: `${SESSION_COOKIE}=octocat` } }) // silent re-login
 */
export const SESSION_COOKIE = 'fake_github_user'

const ACCESS_DENIED_URI =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied'

/**
 * `GET /login/oauth/authorize` shows the consent page (or redirects at once when the signed-in
 * user already granted these scopes, as GitHub does); `POST` is that page's form: approve → 302
 * to `redirect_uri?code&state`, cancel → 302 with `error=access_denied`.
 *
 * @example
 * if (url.pathname === '/login/oauth/authorize') return handleAuthorize(req, res, url, context)
 */
export async function handleAuthorize(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: AuthorizeContext,
): Promise<void> {
  const posted = req.method === 'POST'
  const form = posted ? parseParams(await readBody(req), req.headers['content-type']) : {}
  const params: Params = { ...Object.fromEntries(url.searchParams), ...form }
  const app = context.world.app(params.client_id ?? '')
  if (!app)
    return sendHtml(
      res,
      404,
      messagePage('Not Found', 'This is not the web page you are looking for.'),
    )
  const target = resolveRedirectUri(app, params.redirect_uri)
  if (!target) {
    const text = 'The redirect_uri is not associated with this application.'
    return sendHtml(res, 200, messagePage('Be careful!', text))
  }
  if (params.code_challenge_method && params.code_challenge_method !== 'S256') {
    return sendHtml(res, 200, messagePage('Invalid request', 'code_challenge_method must be S256.'))
  }
  if (posted) return decide(res, app, target, params, context)
  const user = context.world.user(params.login ?? cookie(req, SESSION_COOKIE) ?? '')
  const scopes = parseScopes(params.scope)
  const granted = user && context.world.consent(user.login, app.client_id)
  const silent = granted && scopes.every((scope) => hasAnyScope(granted, [scope]))
  if (user && (context.autoApprove || silent))
    return approve(res, app, target, params, user, context)
  sendHtml(res, 200, authorizePage(app, params, context.world.users))
}

function decide(
  res: ServerResponse,
  app: FakeApp,
  target: string,
  params: Params,
  context: AuthorizeContext,
): void {
  if (params.authorize !== '1') {
    const location = withParams(target, {
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: ACCESS_DENIED_URI,
      state: params.state,
    })
    redirect(res, location)
    return
  }
  const user = context.world.user(params.login ?? '')
  if (!user) {
    sendHtml(res, 200, authorizePage(app, params, context.world.users, 'Incorrect username.'))
    return
  }
  approve(res, app, target, params, user, context)
}

function approve(
  res: ServerResponse,
  app: FakeApp,
  target: string,
  params: Params,
  user: FakeUser,
  context: AuthorizeContext,
): void {
  const requested = parseScopes(params.scope)
  // Without a scope GitHub grants what the user already granted the app, or nothing.
  const scopes =
    requested.length > 0 ? requested : (context.world.consent(user.login, app.client_id) ?? [])
  const code = context.world.issueCode({
    client_id: app.client_id,
    login: user.login,
    scopes,
    redirect_uri: params.redirect_uri ?? null,
    code_challenge: params.code_challenge ?? null,
    issued_at: context.now(),
  })
  const session = `${SESSION_COOKIE}=${encodeURIComponent(user.login)}; Path=/; HttpOnly; SameSite=Lax`
  redirect(res, withParams(target, { code, state: params.state }), { 'set-cookie': session })
}

/** Appends query parameters to a URL that may already have some; `state` stays byte-exact. */
function withParams(target: string, params: Record<string, string | undefined>): string {
  const url = new URL(target)
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(key, value)
  }
  return url.href
}
