import type { RestRequest } from './rest.ts'
import { basicCredentials, parseParams, readBody, sendError, sendJson } from './wire.ts'
import type { World } from './world.ts'

/**
 * `DELETE /applications/{client_id}/token` and `/grant`: Basic auth with the app's credentials,
 * the user's token in a JSON body. 204 when revoked; 404 for an unknown or already revoked token
 * and for wrong app credentials (observed on github.com); 422 when `access_token` is missing.
 *
 * @example
 * if (req.method === 'DELETE') return handleRevocation(request, world, headers)
 */
export async function handleRevocation(
  { req, res, path }: RestRequest,
  world: World,
  headers: Record<string, string>,
): Promise<void> {
  const match = /^\/applications\/([^/]+)\/(token|grant)$/.exec(path)
  if (!match) return sendError(res, 404, 'Not Found', headers)
  const clientId = decodeURIComponent(match[1] ?? '')
  const kind = match[2] as 'token' | 'grant'
  const body = parseParams(await readBody(req), 'application/json')
  const credentials = basicCredentials(req.headers.authorization)
  const app = world.app(clientId)
  if (!app || credentials?.id !== app.client_id || credentials.secret !== app.client_secret) {
    return sendError(res, 404, 'Not Found', headers)
  }
  if (!body.access_token) {
    const errors = [{ resource: 'OauthAccess', field: 'access_token', code: 'missing_field' }]
    const documentation_url = 'https://docs.github.com/rest/apps/oauth-applications'
    return sendJson(
      res,
      422,
      { message: 'Validation Failed', errors, documentation_url, status: '422' },
      headers,
    )
  }
  const record = world.token(body.access_token)
  if (!record || record.client_id !== clientId) return sendError(res, 404, 'Not Found', headers)
  world.revoke(kind, record)
  res.writeHead(204, headers)
  res.end()
}
