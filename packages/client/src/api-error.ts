import type { AgentProblem, ErrorCode, Problem } from '@agentapi-proxy/shared'

/**
 * The proxy's own error code, or — for a body without one (agentapi's errors behind
 * `/{sessionId}/…`, a load balancer's page) — the generic code of the status, else `http_<status>`.
 *
 * @example
 * const retryable = (code: ApiErrorCode) => code === 'service_unavailable' || code === 'http_504'
 */
export type ApiErrorCode = ErrorCode | `http_${number}`

/**
 * What an {@link ApiError} is made of.
 *
 * @example
 * new ApiError({ method: 'GET', path: '/health', status: 503, code: 'service_unavailable', detail: '' })
 */
export interface ApiErrorInit {
  method: string
  /** The request path relative to the base URL, without its query (it may carry secrets). */
  path: string
  status: number
  code: ApiErrorCode
  detail: string
  problem?: Problem | AgentProblem | undefined
}

// Generic codes for statuses that mean one thing whoever answers; the rest stay `http_<status>`.
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_request',
  500: 'internal',
  501: 'not_implemented',
  503: 'service_unavailable',
}

const MAX_TEXT_DETAIL = 200

/**
 * Every non-2xx answer, whoever gave it. The message names the request:
 * `DELETE /sessions/abc → 404 session_not_found: No session abc is visible to you`.
 * Failures without an answer (network down, timeout, abort) are thrown as they are.
 *
 * @example
 * try {
 *   await client.deleteSession(id)
 * } catch (error) {
 *   if (error instanceof ApiError && error.code === 'session_not_found') console.log('gone')
 *   else throw error
 * }
 */
export class ApiError extends Error {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly code: ApiErrorCode
  readonly detail: string
  /** The problem+json body: the proxy's {@link Problem}, or agentapi's huma error model. */
  readonly problem: Problem | AgentProblem | undefined

  constructor(init: ApiErrorInit) {
    const detail = init.detail ? `: ${init.detail}` : ''
    super(`${init.method} ${init.path} → ${init.status} ${init.code}${detail}`)
    this.name = 'ApiError'
    this.method = init.method
    this.path = init.path
    this.status = init.status
    this.code = init.code
    this.detail = init.detail
    this.problem = init.problem
  }

  /**
   * Reads an error response (problem+json, other JSON, text or nothing) into an ApiError.
   *
   * @example
   * const res = await fetch(`${base}/sessions/${id}`)
   * if (!res.ok) throw await ApiError.fromResponse(res, 'GET', `/sessions/${id}`)
   */
  static async fromResponse(response: Response, method: string, path: string): Promise<ApiError> {
    const text = await response.text().catch(() => '')
    const type = response.headers.get('content-type') ?? ''
    const body = parseObject(text)
    const problem = body && type.includes('problem+json') ? (body as Problem) : undefined
    const code =
      typeof body?.code === 'string'
        ? (body.code as ApiErrorCode)
        : (CODE_OF_STATUS[response.status] ?? (`http_${response.status}` as const))
    const detail =
      (body && detailOf(body)) ||
      (text && !type.includes('html') ? oneLine(text) : '') ||
      response.statusText
    return new ApiError({ method, path, status: response.status, code, detail, problem })
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function detailOf(body: Record<string, unknown>): string {
  const main = [body.detail, body.error, body.message, body.title].find(
    (value): value is string => typeof value === 'string' && value.length > 0,
  )
  // The proxy's problems already name each bad field in `detail`; agentapi's put the real reason
  // of a 500 ("unexpected error occurred") in `errors[].message`, as its chat UI shows it.
  if (typeof body.code === 'string' || !Array.isArray(body.errors)) return main ?? ''
  const reasons = (body.errors as { message?: unknown; location?: unknown }[])
    .filter((item) => typeof item?.message === 'string')
    .map((item) => (typeof item.location === 'string' ? `${item.location}: ` : '') + item.message)
  return [main, reasons.join(', ')].filter(Boolean).join(': ')
}

function oneLine(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ')
  return line.length > MAX_TEXT_DETAIL ? `${line.slice(0, MAX_TEXT_DETAIL)}…` : line
}
