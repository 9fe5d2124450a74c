import type { IncomingMessage, ServerResponse } from 'node:http'

/** Parameters of a request: form, JSON or query, flattened to strings as GitHub reads them. */
export type Params = Record<string, string>

/**
 * Reads a request body as text; 64 KiB is far more than any OAuth or REST call here sends.
 *
 * @example
 * const params = parseParams(await readBody(req), req.headers['content-type'])
 */
export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new Error('request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Decodes a body by its Content-Type: JSON objects or `application/x-www-form-urlencoded`
 * (the default, as for GitHub's token endpoint). Non-string JSON values are ignored.
 *
 * @example
 * parseParams('code=abc&state=xyz', undefined) // { code: 'abc', state: 'xyz' }
 */
export function parseParams(body: string, contentType: string | undefined): Params {
  if (!body) return {}
  if (/\bjson\b/i.test(contentType ?? '')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return {}
    }
    if (!parsed || typeof parsed !== 'object') return {}
    const entries = Object.entries(parsed).filter(([, value]) => typeof value === 'string')
    return Object.fromEntries(entries) as Params
  }
  return Object.fromEntries(new URLSearchParams(body))
}

/**
 * Sends JSON as `application/json; charset=utf-8`, the content type of every GitHub JSON response.
 *
 * @example
 * sendJson(res, 200, userShape(user, bases, false), headers)
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * Sends GitHub's REST error body; `status` is a string on the wire.
 *
 * @example
 * sendError(res, 401, 'Bad credentials') // {"message":"Bad credentials",…,"status":"401"}
 */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const documentation_url = 'https://docs.github.com/rest'
  sendJson(res, status, { message, documentation_url, status: String(status) }, headers)
}

/**
 * Sends an HTML page.
 *
 * @example
 * sendHtml(res, 200, messagePage('Be careful!', 'The redirect_uri is not associated…'))
 */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  res.end(html)
}

/**
 * Sends a 302 to `location`.
 *
 * @example
 * redirect(res, 'http://127.0.0.1:5173/cb?code=abc&state=xyz')
 */
export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(302, { location, ...headers })
  res.end()
}

/**
 * The token of `Authorization: Bearer <t>` or `Authorization: token <t>` (GitHub takes both).
 *
 * @example
 * authorizationToken('token ghp_abc') // 'ghp_abc'
 */
export function authorizationToken(header: string | undefined): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

/**
 * `Authorization: Basic base64(id:secret)`, as the app-credential endpoints expect.
 *
 * @example
 * basicCredentials('Basic aWQ6c2VjcmV0') // { id: 'id', secret: 'secret' }
 */
export function basicCredentials(
  header: string | undefined,
): { id: string; secret: string } | undefined {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (!match?.[1]) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapeHtml('a&b') // 'a&amp;b'
 */
export function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
  }
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char)
}

/**
 * A cookie's value from the Cookie header.
 *
 * @example
 * cookie(req, SESSION_COOKIE) // 'octocat'
 */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return undefined
}
