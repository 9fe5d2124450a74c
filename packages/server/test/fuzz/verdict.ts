import type { FilledRequest } from './campaign.ts'

/** How one answer was judged; `problem` says what is wrong with it, if anything. */
export interface Verdict {
  /** 0: the fuzzer stopped waiting (a stream or long poll); -1: no HTTP answer at all. */
  status: number
  problem?: string
  /** A 5xx by design: agentapi's own (passed through), or 503 while a session starts. */
  expected5xx?: 'agent' | 'starting'
  /** Sent a second time after a reset connection. */
  retried?: boolean
}

interface ProblemBody {
  code?: unknown
  title?: unknown
  status?: unknown
  errors?: { path?: unknown; location?: unknown }[]
}

/**
 * What every answer must be: below 500; a 4xx in problem+json with a `code` (the proxy's own)
 * or, from a session's agent through the proxy, agentapi's problem (title, status); a 422
 * `invalid_request` with `errors[]` whose paths name fields.
 */
export function judge(request: FilledRequest, status: number, type: string, text: string): Verdict {
  if (status >= 500) return judge5xx(request, status, text)
  if (status < 400) return { status }
  if (!type.startsWith('application/problem+json')) return otherRefusal(request, status, type, text)
  let body: ProblemBody
  try {
    body = JSON.parse(text) as ProblemBody
  } catch {
    return { status, problem: `problem+json that is not JSON: ${text.slice(0, 200)}` }
  }
  if (typeof body.code !== 'string') {
    // agentapi's own refusals (huma: title, status, errors[].location) pass through unchanged.
    const fromAgent =
      typeof body.title === 'string' && body.status === status && isSessionPath(request)
    return fromAgent
      ? { status }
      : { status, problem: `problem without code: ${text.slice(0, 200)}` }
  }
  if (status === 422 && body.code === 'invalid_request') return judgeInvalid(status, body, text)
  return { status }
}

/**
 * Two refusals are not the proxy's problem+json by design: a session's agent answering 404 or
 * 405 in plain text, as agentapi's Go router does, and /mcp's JSON-RPC errors, which MCP clients
 * read (the SDK's transport answers 406 for a missing Accept that way).
 */
function otherRefusal(request: FilledRequest, status: number, type: string, text: string): Verdict {
  if (isSessionPath(request) && type.startsWith('text/plain') && (status === 404 || status === 405))
    return { status }
  if (request.path.split('?')[0] === '/mcp' && type.startsWith('application/json')) {
    const rpc = JSON.parse(text) as { jsonrpc?: unknown; error?: { code?: unknown } }
    if (rpc.jsonrpc === '2.0' && typeof rpc.error?.code === 'number') return { status }
  }
  return { status, problem: `4xx as ${type || 'no content type'}: ${text.slice(0, 200)}` }
}

/**
 * An `invalid_request` names each field by its dot path; the empty path is the whole body or
 * query string (an array where an object belongs, no union member matched), which the detail
 * then names ("Invalid body: body: …").
 */
function judgeInvalid(
  status: number,
  body: ProblemBody & { detail?: unknown },
  text: string,
): Verdict {
  const errors = body.errors
  if (!Array.isArray(errors) || errors.length === 0)
    return { status, problem: `invalid_request without errors[]: ${text.slice(0, 200)}` }
  const whole = /^Invalid (\w+): \1: /.test(String(body.detail))
  const named = errors.every((e) => typeof e.path === 'string' && (e.path.length > 0 || whole))
  return named ? { status } : { status, problem: `an error names no field: ${text.slice(0, 300)}` }
}

const SESSION_PATH = /^\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\//i

function isSessionPath(request: FilledRequest): boolean {
  return SESSION_PATH.test(request.path) || request.path.startsWith('/s/')
}

/**
 * Two 5xx are the design, not a failure: 503 `session_not_ready` (with Retry-After) while a
 * session starts, and agentapi's own 500 for a user message that is empty once trimmed, which
 * the proxy passes through unchanged like every answer of the agent. Anything else fails.
 */
function judge5xx(request: FilledRequest, status: number, text: string): Verdict {
  let body: ProblemBody & { errors?: { message?: unknown }[] } = {}
  try {
    body = JSON.parse(text)
  } catch {}
  if (status === 503 && body.code === 'session_not_ready')
    return { status, expected5xx: 'starting' }
  const empty = body.errors?.[0]?.message === 'failed to send message: message must not be empty'
  if (status === 500 && body.code === undefined && empty && isSessionPath(request))
    return { status, expected5xx: 'agent' }
  return { status, problem: `server error: ${text.slice(0, 300)}` }
}
