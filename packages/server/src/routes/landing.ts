import type { SessionSummary } from '@agentapi-proxy/shared'
import { routes } from '@agentapi-proxy/shared/routes'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Principal } from '../auth/principal.ts'
import { callerOf } from '../http/principal.ts'
import type { SessionService } from '../sessions/service.ts'

/** What the landing page says about the server. */
export interface LandingFacts {
  version: string
  /** Whether the GitHub sign-in flow is on (`auth.github.oauth`). */
  oauth: boolean
}

/**
 * `GET /`: what this server is and where to go — the API reference, the OpenAPI document,
 * health — and, when the request carries credentials, the caller's newest sessions. A plain page
 * with no script: it works from curl and in any browser, offline.
 */
export function registerLandingRoute(
  app: OpenAPIHono,
  sessions: SessionService,
  facts: LandingFacts,
) {
  app.openapi(routes.landing, async (c) => {
    const caller = await callerOf(c).catch(() => null)
    const mine = caller
      ? await sessions.search(caller, { limit: 20 }).catch(() => ({ sessions: [] }))
      : null
    return c.html(page(facts, caller, mine?.sessions ?? null), 200)
  })
}

function page(
  facts: LandingFacts,
  caller: Principal | null,
  mine: SessionSummary[] | null,
): string {
  const signIn = facts.oauth
    ? '<li>GitHub sign-in: <code>POST /oauth/authorize</code>, then <code>/oauth/callback</code> (see the API reference)</li>'
    : ''
  const sessions =
    caller && mine
      ? `<h2>Your sessions (${htmlText(caller.user_id)})</h2>${sessionTable(mine)}`
      : '<p>Send credentials (an API key or a token) to see your sessions here.</p>'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agentapi-proxy</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .2em}table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}</style>
</head><body>
<h1>agentapi-proxy <small>${htmlText(facts.version)}</small></h1>
<p>One coder/agentapi server per session, behind one authenticated front door. Start a session
with <code>POST /start</code>, talk to its agent at <code>/&lt;session id&gt;/…</code>
(agentapi's own routes), find it with <code>GET /search</code>, stop it with
<code>DELETE /sessions/&lt;id&gt;</code>.</p>
<ul>
<li><a href="/docs">API reference</a></li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/health">Health</a> and <a href="/ready">readiness</a></li>
${signIn}
</ul>
${sessions}
</body></html>
`
}

function sessionTable(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return '<p>None yet.</p>'
  const rows = sessions
    .map(
      (s) =>
        `<tr><td><a href="/sessions/${htmlText(s.session_id)}"><code>${htmlText(s.session_id.slice(0, 8))}</code></a></td>` +
        `<td>${htmlText(s.status)}</td><td>${htmlText(s.agent_status ?? '')}</td><td>${htmlText(s.started_at)}</td></tr>`,
    )
    .join('\n')
  return `<table><tr><th>id</th><th>status</th><th>agent</th><th>started</th></tr>\n${rows}</table>`
}

// Everything that reaches the page from a session or a caller is text, never markup.
function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
