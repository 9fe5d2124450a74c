import { escapeHtml, type Params } from './wire.ts'
import type { FakeApp, FakeUser } from './world.ts'

// The authorize request travels through the form unchanged, as GitHub's own page does.
const CARRIED = [
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f6f8fa;color:#1f2328;display:flex;justify-content:center;padding:48px}
main{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:24px;max-width:420px;width:100%}
button{font:inherit;padding:6px 16px;border-radius:6px;border:1px solid #d0d7de;cursor:pointer}
#js-oauth-authorize-btn{background:#1f883d;color:#fff;border-color:#1a7f37}
.error{color:#d1242f}
</style></head>
<body><main>${body}</main></body>
</html>`
}

/**
 * GitHub's consent page, reduced to what a person (or a headless browser) needs: who signs in,
 * which scopes the app asks for, and an Authorize button.
 *
 * @example
 * sendHtml(res, 200, authorizePage(app, params, world.users))
 */
export function authorizePage(
  app: FakeApp,
  params: Params,
  users: FakeUser[],
  error?: string,
): string {
  const hidden = CARRIED.filter((name) => params[name] !== undefined)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params[name] ?? '')}">`)
    .join('\n')
  const chosen = (params.login ?? '').toLowerCase()
  const options = users
    .map((user) => {
      const selected = user.login.toLowerCase() === chosen ? ' selected' : ''
      return `<option value="${escapeHtml(user.login)}"${selected}>${escapeHtml(user.login)}</option>`
    })
    .join('')
  const scopes = params.scope ? escapeHtml(params.scope) : 'no scopes (public information only)'
  const appName = escapeHtml(app.name ?? app.client_id)
  const body = `<h1>Authorize ${appName}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p><strong>${appName}</strong> wants to access your account: ${scopes}.</p>
<form method="post" action="/login/oauth/authorize">
${hidden}
<p><label>Signed in as <select name="login" id="login">${options}</select></label></p>
<p><button type="submit" name="authorize" value="1" id="js-oauth-authorize-btn">Authorize ${appName}</button>
<button type="submit" name="authorize" value="0">Cancel</button></p>
</form>`
  return layout(`Authorize application`, body)
}

/**
 * A page with a heading and one line, as GitHub shows for a bad client or redirect.
 *
 * @example
 * messagePage('Be careful!', 'The redirect_uri is not associated with this application.')
 */
export function messagePage(title: string, text: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`)
}
