import { z } from 'zod'
import { AppError } from '../errors.ts'

/** The GitHub user behind a token. `id` is the stable key; `login` can be renamed. */
export interface GitHubUser {
  id: number
  login: string
  name: string | null
  email: string | null
}

/** A team the user belongs to, addressed as GitHub's URLs do: `org/slug`. */
export interface GitHubTeam {
  org: string
  slug: string
}

/** The OAuth App that revokes its own tokens (Basic auth on the revocation endpoints). */
export interface GitHubApp {
  client_id: string
  client_secret: string
}

/** Where and how {@link GitHubClient} talks to GitHub. */
export interface GitHubClientOptions {
  /** The REST root: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise. */
  baseUrl: string
  /** Per request; a slow GitHub should fail a login, not hang it. Default 10 s. */
  timeoutMs?: number
}

const UserSchema = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
})
const OrgsSchema = z.array(z.object({ login: z.string() }))
const TeamsSchema = z.array(
  z.object({ slug: z.string(), organization: z.object({ login: z.string() }) }),
)

// Following rel="next" stops here: 50 pages of 100 is more teams than anyone belongs to.
const MAX_PAGES = 50

/**
 * A tiny client for the few GitHub REST endpoints the proxy needs. A token GitHub refuses is
 * `unauthorized`; a spent rate limit, an unreachable GitHub or an odd answer is
 * `service_unavailable` — never "invalid credentials", so a GitHub outage logs nobody out.
 *
 * @example
 * const github = new GitHubClient({ baseUrl: 'https://ghe.example.com/api/v3' })
 * const user = await github.user(token)
 */
export class GitHubClient {
  readonly #base: string
  readonly #timeoutMs: number

  constructor(options: GitHubClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '')
    this.#timeoutMs = options.timeoutMs ?? 10_000
  }

  /** `GET /user`. */
  async user(token: string): Promise<GitHubUser> {
    const { body } = await this.#get(`${this.#base}/user`, token)
    const user = parse(UserSchema, body, 'GET /user')
    return { id: user.id, login: user.login, name: user.name ?? null, email: user.email ?? null }
  }

  /** Logins of `GET /user/orgs`, every page. */
  async orgs(token: string): Promise<string[]> {
    const items = await this.#getAll('/user/orgs', token)
    return parse(OrgsSchema, items, 'GET /user/orgs').map((org) => org.login)
  }

  /** `GET /user/teams`, every page. */
  async teams(token: string): Promise<GitHubTeam[]> {
    const items = await this.#getAll('/user/teams', token)
    return parse(TeamsSchema, items, 'GET /user/teams').map((team) => ({
      org: team.organization.login,
      slug: team.slug,
    }))
  }

  /**
   * Revokes an OAuth token at GitHub (`kind: 'token'`), or the user's whole grant of the app
   * (`'grant'`: every token, and the remembered consent). 404 means already gone, which is
   * what the caller wanted; anything else throws.
   */
  async revoke(
    app: GitHubApp,
    token: string,
    kind: 'token' | 'grant',
  ): Promise<'revoked' | 'gone'> {
    const basic = Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')
    const path = `/applications/${encodeURIComponent(app.client_id)}/${kind}`
    const res = await this.#fetch(path, `${this.#base}${path}`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: token }),
    })
    await res.body?.cancel()
    if (res.status === 204) return 'revoked'
    if (res.status === 404) return 'gone'
    throw new AppError('service_unavailable', `GitHub answered ${res.status} to DELETE ${path}`)
  }

  async #getAll(path: string, token: string): Promise<unknown[]> {
    const items: unknown[] = []
    let url: string | undefined = `${this.#base}${path}?per_page=100`
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const { body, next } = await this.#get(url, token)
      if (!Array.isArray(body)) parse(z.array(z.unknown()), body, `GET ${path}`)
      items.push(...(body as unknown[]))
      url = next
    }
    return items
  }

  async #get(url: string, token: string): Promise<{ body: unknown; next: string | undefined }> {
    // Errors name the endpoint as GitHub's docs do, relative to the configured base.
    const path = new URL(url).pathname.slice(new URL(this.#base).pathname.replace(/\/$/, '').length)
    const res = await this.#fetch(path, url, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw await failure(res, `GET ${path}`)
    const body: unknown = await res.json().catch(() => undefined)
    return { body, next: this.#nextLink(res.headers.get('link')) }
  }

  // The token goes only to the configured GitHub: a `next` link elsewhere is not followed.
  #nextLink(header: string | null): string | undefined {
    const next = /<([^>]+)>\s*;\s*rel="next"/.exec(header ?? '')?.[1]
    return next?.startsWith(`${this.#base}/`) ? next : undefined
  }

  async #fetch(path: string, url: string, init: RequestInit): Promise<Response> {
    const headers = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'agentapi-proxy',
      ...(init.headers as Record<string, string>),
    }
    try {
      return await fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.#timeoutMs) })
    } catch (error) {
      const reason = networkReason(error)
      throw new AppError(
        'service_unavailable',
        `Could not reach GitHub at ${this.#base} (${reason}) for ${path}`,
        { cause: error },
      )
    }
  }
}

async function failure(res: Response, what: string): Promise<AppError> {
  const body = (await res.json().catch(() => ({}))) as { message?: unknown }
  const message = typeof body.message === 'string' ? body.message.slice(0, 200) : ''
  if (res.status === 401) {
    return new AppError(
      'unauthorized',
      'GitHub did not accept the token (Bad credentials): it is invalid, expired or revoked',
    )
  }
  const remaining = res.headers.get('x-ratelimit-remaining')
  if (res.status === 429 || (res.status === 403 && remaining === '0')) {
    const reset = Number(res.headers.get('x-ratelimit-reset'))
    const wait =
      Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : 60
    const retryAfter = res.headers.get('retry-after') ?? String(wait)
    return new AppError(
      'service_unavailable',
      `GitHub's rate limit for this token is spent; try again in ${retryAfter} s`,
      {
        headers: { 'Retry-After': retryAfter },
      },
    )
  }
  if (res.status === 403) {
    const scopes = res.headers.get('x-accepted-oauth-scopes')
    const needs = scopes ? ` (the token needs one of these scopes: ${scopes})` : ''
    return new AppError('forbidden', `GitHub refused ${what}${needs}: ${message || 'Forbidden'}`)
  }
  return new AppError('service_unavailable', `GitHub answered ${res.status} to ${what}`)
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body)
  if (!result.success) {
    throw new AppError('service_unavailable', `GitHub sent an unexpected answer to ${what}`)
  }
  return result.data
}

function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out'
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  return typeof cause?.code === 'string' ? cause.code : 'network error'
}
