import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RateLimiter } from './rate-limit.ts'
import { handleRevocation } from './revocation.ts'
import { hasAnyScope } from './scopes.ts'
import { type Bases, orgShape, teamShape, userShape } from './shapes.ts'
import { authorizationToken, sendError, sendJson } from './wire.ts'
import type { TokenRecord, World } from './world.ts'

/** One REST request, with the `/api/v3` prefix (GHES layout) already taken off `path`. */
export interface RestRequest {
  req: IncomingMessage
  res: ServerResponse
  path: string
  query: URLSearchParams
  bases: Bases
  enterprise: boolean
}

/** What the REST handlers share across requests. */
export interface RestContext {
  world: World
  limiter: RateLimiter
  strictApiVersion: boolean
}

const API_VERSIONS = ['2022-11-28', '2026-03-10']
const USER_AGENT_REQUIRED =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.'

/**
 * Serves the REST API: the endpoints the proxy calls, in GitHub's wire format.
 *
 * @example
 * await handleRest({ req, res, path: '/user', query, bases, enterprise: false }, context)
 */
export async function handleRest(request: RestRequest, context: RestContext): Promise<void> {
  const { req, res } = request
  if (refusedOutright(request, context)) return
  const headers = baseHeaders(request)
  if (req.method === 'DELETE' && request.path.startsWith('/applications/')) {
    await handleRevocation(request, context.world, headers)
    return
  }
  const route = req.method === 'GET' ? matchRoute(request.path) : undefined
  if (!route) return sendError(res, 404, 'Not Found', headers)
  const token = authorizationToken(req.headers.authorization)
  if (!token) return sendError(res, 401, 'Requires authentication', headers)
  const record = context.world.token(token)
  if (!record) return sendError(res, 401, 'Bad credentials', headers)
  const verdict = context.limiter.take(record.login)
  Object.assign(headers, verdict.headers)
  if (record.scopes) headers['x-oauth-scopes'] = record.scopes.join(', ')
  headers['x-accepted-oauth-scopes'] = route.accepted.join(', ')
  if (!verdict.allowed) {
    const user = context.world.user(record.login)
    return sendError(res, 403, `API rate limit exceeded for user ID ${user?.id}.`, headers)
  }
  if (record.scopes && route.accepted.length > 0 && !hasAnyScope(record.scopes, route.accepted)) {
    const message = `This endpoint needs one of these scopes: ${route.accepted.join(', ')}.`
    return sendError(res, 403, message, headers)
  }
  route.handle(request, context.world, record, headers)
}

// What GitHub refuses before looking at the route: no User-Agent, an API version it lacks.
function refusedOutright({ req, res }: RestRequest, context: RestContext): boolean {
  if (!req.headers['user-agent']) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(USER_AGENT_REQUIRED)
    return true
  }
  const version = req.headers['x-github-api-version']
  if (context.strictApiVersion && typeof version === 'string' && !API_VERSIONS.includes(version)) {
    sendError(res, 400, `Unsupported 'X-GitHub-Api-Version' header: ${version}`)
    return true
  }
  return false
}

function baseHeaders(request: RestRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-media-type': 'github.v3; format=json',
  }
  if (request.enterprise) headers['x-github-enterprise-version'] = 'enterprise-server@3.14.0'
  return headers
}

type Handler = (
  request: RestRequest,
  world: World,
  token: TokenRecord,
  headers: Record<string, string>,
) => void

interface Route {
  /** Scopes GitHub checks for (`X-Accepted-OAuth-Scopes`); empty: none needed. */
  accepted: string[]
  handle: Handler
}

function matchRoute(path: string): Route | undefined {
  if (path === '/user') return { accepted: [], handle: getUser }
  if (path === '/user/orgs') return { accepted: ['user', 'read:org'], handle: getUserOrgs }
  if (path === '/user/teams')
    return { accepted: ['user', 'repo', 'read:org'], handle: getUserTeams }
  const membership = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path)
  if (membership) {
    const [, org = '', slug = '', login = ''] = membership.map((part) => decodeURIComponent(part))
    return {
      accepted: ['read:org'],
      handle: (...args) => getMembership(...args, { org, slug, login }),
    }
  }
  return undefined
}

const getUser: Handler = ({ res, bases }, world, token, headers) => {
  const user = world.user(token.login)
  if (!user) return sendError(res, 401, 'Bad credentials', headers)
  // Fine-grained tokens have no scopes; they read the private fields through permissions.
  const withPrivate = token.scopes === null || token.scopes.includes('user')
  sendJson(res, 200, userShape(user, bases, withPrivate), headers)
}

const getUserOrgs: Handler = (request, world, token, headers) => {
  const orgs = world.orgsOf(token.login).map((org) => orgShape(org, request.bases))
  sendPage(request, orgs, headers)
}

const getUserTeams: Handler = (request, world, token, headers) => {
  const teams = world.teamsOf(token.login).flatMap((team) => {
    const org = world.org(team.org)
    return org ? [teamShape(team, org, request.bases, token.login)] : []
  })
  sendPage(request, teams, headers)
}

function getMembership(
  { res, bases }: RestRequest,
  world: World,
  _token: TokenRecord,
  headers: Record<string, string>,
  target: { org: string; slug: string; login: string },
): void {
  const same = (a: string) => a.toLowerCase() === target.login.toLowerCase()
  const team = world.teams.find(
    (each) => each.org.toLowerCase() === target.org.toLowerCase() && each.slug === target.slug,
  )
  const maintainer = team?.maintainers?.some(same) ?? false
  const member = maintainer || (team?.members?.some(same) ?? false)
  const pending = team?.pending?.some(same) ?? false
  if (!team || !(member || pending)) {
    sendError(res, 404, 'Not Found', headers)
    return
  }
  const url = `${bases.api}/teams/${team.id}/memberships/${target.login}`
  const body = {
    url,
    role: maintainer ? 'maintainer' : 'member',
    state: member ? 'active' : 'pending',
  }
  sendJson(res, 200, body, headers)
}

/** Sends one page of a list with GitHub's `link` header; no header when it all fits one page. */
function sendPage(request: RestRequest, items: unknown[], headers: Record<string, string>): void {
  const perPage = clamp(Number(request.query.get('per_page') ?? 30), 1, 100, 30)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const page = clamp(Number(request.query.get('page') ?? 1), 1, Number.MAX_SAFE_INTEGER, 1)
  const slice = items.slice((page - 1) * perPage, page * perPage)
  if (last > 1) {
    const link = (n: number, rel: string) =>
      `<${request.bases.api}${request.path}?per_page=${perPage}&page=${n}>; rel="${rel}"`
    const rels: string[] = []
    if (page > 1) rels.push(link(page - 1, 'prev'))
    if (page < last) rels.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) rels.push(link(1, 'first'))
    headers.link = rels.join(', ')
  }
  sendJson(request.res, 200, slice, headers)
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isInteger(value)) return fallback
  return Math.min(max, Math.max(min, value))
}
