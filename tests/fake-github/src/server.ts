import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handleAuthorize } from './authorize.ts'
import { type ConsentChoice, submitConsent } from './consent.ts'
import { RateLimiter } from './rate-limit.ts'
import { handleRest, type RestContext } from './rest.ts'
import { handleAccessToken } from './token-endpoint.ts'
import { sendError } from './wire.ts'
import {
  type FakeApp,
  type FakeOrg,
  type FakeTeam,
  type FakeUser,
  type Revocation,
  World,
} from './world.ts'

/** The accounts and knobs of a fake GitHub. Everything is optional. */
export interface FakeGitHubOptions {
  users?: FakeUser[]
  orgs?: FakeOrg[]
  teams?: FakeTeam[]
  apps?: FakeApp[]
  /** Approve an authorize request that names a known `login` without showing the page. */
  autoApprove?: boolean
  /** Requests per user per hour (default 5000); `false` sends no rate-limit headers, like GHES. */
  rateLimit?: number | false
  /** Answer 400 to an `X-GitHub-Api-Version` GitHub does not know (default true). */
  strictApiVersion?: boolean
  /** The clock for code expiry and rate-limit windows (a fake clock in tests). */
  now?: () => number
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
}

/** One request the fake served. */
export interface RecordedRequest {
  method: string
  path: string
  status: number
}

/** A running fake GitHub. */
export interface FakeGitHub extends AsyncDisposable {
  /** The web/OAuth base, and the REST base in github.com layout (the API at the root). */
  url: string
  /** The REST base in GitHub Enterprise Server layout: `<url>/api/v3`. */
  enterpriseApiUrl: string
  world: World
  requests: RecordedRequest[]
  /** Every successful call to the revocation endpoints, in order. */
  revocations: Revocation[]
  /** A new personal access token for `login` (classic, `read:user read:org repo` by default). */
  addToken(login: string, scopes?: string[] | null): string
  /** Whether GitHub would still accept the token. */
  isTokenActive(token: string): boolean
  /** Answers the consent page for `authUrl` as a browser click would; see {@link submitConsent}. */
  consent(authUrl: string, choice: ConsentChoice): Promise<URL>
  close(): Promise<void>
}

/**
 * Starts a fake GitHub on 127.0.0.1 and a free port. It serves the OAuth web flow and the REST
 * API from one origin — REST both at the root (github.com layout) and under `/api/v3` (GHES) —
 * in GitHub's wire format (the fields and statuses the proxy reads).
 *
 * @example
 * await using github = await startFakeGitHub({
 *   users: [{ id: 1, login: 'octocat', tokens: ['ghp_octocat0000000000000000000000000000'] }],
 *   teams: [{ org: 'acme', slug: 'admins', members: ['octocat'] }],
 *   apps: [{ client_id: 'Iv1.demo', client_secret: 'shh' }],
 * })
 * await fetch(`${github.url}/user`, { headers: { authorization: 'Bearer ghp_octocat…' } })
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const world = new World(options)
  const now = options.now ?? Date.now
  const rest: RestContext = {
    world,
    limiter: new RateLimiter(options.rateLimit ?? 5000, now),
    strictApiVersion: options.strictApiVersion ?? true,
  }
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    res.on('finish', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', status: res.statusCode })
    })
    route(req, res, { rest, now, autoApprove: options.autoApprove ?? false }).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'Server Error')
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return {
    url,
    enterpriseApiUrl: `${url}/api/v3`,
    world,
    requests,
    revocations: world.revocations,
    addToken: (login, scopes) => world.addToken(login, scopes),
    isTokenActive: (token) => world.token(token) !== undefined,
    consent: submitConsent,
    close,
    [Symbol.asyncDispose]: close,
  }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  context: { rest: RestContext; now: () => number; autoApprove: boolean },
): Promise<void> {
  const origin = `http://${req.headers.host ?? '127.0.0.1'}`
  const url = new URL(req.url ?? '/', origin)
  const { world } = context.rest
  if (
    url.pathname === '/login/oauth/authorize' &&
    (req.method === 'GET' || req.method === 'POST')
  ) {
    return handleAuthorize(req, res, url, {
      world,
      now: context.now,
      autoApprove: context.autoApprove,
    })
  }
  if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
    return handleAccessToken(req, res, url, { world, now: context.now })
  }
  const enterprise = url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/')
  const path = enterprise ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname
  const bases = { api: enterprise ? `${origin}/api/v3` : origin, web: origin }
  return handleRest({ req, res, path, query: url.searchParams, bases, enterprise }, context.rest)
}
