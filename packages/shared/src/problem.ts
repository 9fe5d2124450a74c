import { z } from 'zod'

/**
 * Every error the API can answer with. The set is closed: a new kind of failure gets a new
 * code here, and `ERROR_STATUS` maps it to its one HTTP status.
 *
 * @example
 * const status = ERROR_STATUS.session_not_found // 404
 */
export const ERROR_CODES = [
  'bad_request',
  'invalid_request',
  'unauthorized',
  'credentials_expired',
  'forbidden',
  'not_found',
  'session_not_found',
  'session_ended',
  'share_not_found',
  'share_expired',
  'method_not_allowed',
  'request_timeout',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_sessions',
  'headers_too_large',
  'internal',
  'not_implemented',
  'agent_unavailable',
  'session_not_ready',
  'service_unavailable',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/**
 * The only table from error code to HTTP status; servers and clients both read it.
 *
 * @example
 * ERROR_STATUS.too_many_sessions // 429
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_request: 422,
  unauthorized: 401,
  credentials_expired: 401,
  forbidden: 403,
  not_found: 404,
  session_not_found: 404,
  session_ended: 410,
  share_not_found: 404,
  share_expired: 410,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_sessions: 429,
  headers_too_large: 431,
  internal: 500,
  not_implemented: 501,
  agent_unavailable: 502,
  session_not_ready: 503,
  service_unavailable: 503,
} as const satisfies Record<ErrorCode, number>

/**
 * The short, human title of each error code (RFC 9457 `title`: the same for every occurrence).
 *
 * @example
 * ERROR_TITLE.not_implemented // 'Not implemented yet'
 */
export const ERROR_TITLE = {
  bad_request: 'Bad request',
  invalid_request: 'Invalid request',
  unauthorized: 'Authentication required',
  credentials_expired: 'Credentials expired',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  session_not_found: 'Session not found',
  session_ended: 'Session ended',
  share_not_found: 'Share link not found',
  share_expired: 'Share link expired',
  method_not_allowed: 'Method not allowed',
  request_timeout: 'Request timeout',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  too_many_sessions: 'Too many sessions',
  headers_too_large: 'Request headers too large',
  internal: 'Internal server error',
  not_implemented: 'Not implemented yet',
  agent_unavailable: 'Agent unavailable',
  session_not_ready: 'Session not ready',
  service_unavailable: 'Service unavailable',
} as const satisfies Record<ErrorCode, string>

/** The media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/**
 * The stable `type` URI of a problem: a URN, so it never pretends to be a page that exists.
 *
 * @example
 * problemType('session_not_found') // 'urn:agentapi-proxy:problem:session_not_found'
 */
export function problemType(code: ErrorCode): string {
  return `urn:agentapi-proxy:problem:${code}`
}

/**
 * One field-level validation failure, named by its dot path.
 *
 * @example
 * const issue: FieldIssue = { path: 'environment.LD_PRELOAD', message: 'may not be set' }
 */
export const FieldIssueSchema = z
  .object({
    path: z.string().meta({ description: 'Dot path of the offending field', example: 'tags.team' }),
    message: z.string().meta({ example: 'Expected string, received number' }),
  })
  .meta({ id: 'FieldIssue' })
export type FieldIssue = z.infer<typeof FieldIssueSchema>

/**
 * An RFC 9457 problem document, the body of every error response.
 *
 * @example
 * const p: Problem = {
 *   type: problemType('session_not_found'), title: 'Session not found', status: 404,
 *   detail: 'No session 3f1c… is visible to you', code: 'session_not_found',
 * }
 */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'urn:agentapi-proxy:problem:invalid_request' }),
    title: z.string().meta({ example: 'Invalid request' }),
    status: z.number().int().meta({ example: 422 }),
    detail: z.string().meta({ example: 'body.tags.team: Expected string, received number' }),
    code: z.enum(ERROR_CODES),
    instance: z.string().optional().meta({ description: 'The request path' }),
    request_id: z.string().optional(),
    errors: z.array(FieldIssueSchema).optional(),
    session_status: z
      .enum(['stopped', 'failed'])
      .optional()
      .meta({ description: 'With `session_ended`: how the session ended' }),
    session_error: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'With `session_ended`: why it ended, e.g. the exit of its agent' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' })
export type Problem = z.infer<typeof ProblemSchema>
