import { ApiError, ServerUnreachableError } from '@agentapi-proxy/client'
import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'

/**
 * What a failed request was about, so its error can say what to do.
 *
 * @example
 * const context: FailureContext = { url, subject: { kind: 'session', id } }
 */
export interface FailureContext {
  /** The server's base URL. */
  url: string
  /** The thing the request named, for a 404 that says which one is missing. */
  subject?: { kind: 'session' | 'API key'; id: string } | undefined
}

// undici's codes for "no answer at all"; the first two mean nothing listens there.
const NOTHING_LISTENS = new Set(['ECONNREFUSED', 'ECONNRESET'])
const NETWORK_CODES = new Set([
  ...NOTHING_LISTENS,
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
])

/**
 * Turns a failed request into a one-line {@link CliError} that says what to do, with the exit
 * code of its kind; anything that is not a request failure is returned as it is.
 *
 * @example
 * try {
 *   await client.getSession(id)
 * } catch (error) {
 *   throw explainFailure(error, { url, subject: { kind: 'session', id } })
 * }
 */
export function explainFailure(error: unknown, context: FailureContext): unknown {
  if (error instanceof CliError) return error
  if (error instanceof ApiError) return explainApiError(error, context)
  const code = networkCode(error)
  if (code !== undefined) {
    if (NOTHING_LISTENS.has(code)) {
      return new CliError(
        `cannot reach ${context.url}`,
        'is the server running? (agentapi-proxy server)',
        ExitCode.unreachable,
      )
    }
    return new CliError(
      `cannot reach ${context.url} (${code})`,
      'check --url or AGENTAPI_PROXY_URL',
      ExitCode.unreachable,
    )
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new CliError(
      `${context.url} did not answer in time (${error.message})`,
      'is the server overloaded? try again',
      ExitCode.unreachable,
    )
  }
  return error
}

function explainApiError(error: ApiError, { subject }: FailureContext): CliError {
  const { status } = error
  if (status === 401) {
    return new CliError(
      error.message,
      'check --api-key or AGENTAPI_PROXY_API_KEY (or --token / AGENTAPI_PROXY_TOKEN), or sign in again: agentapi-proxy login',
      ExitCode.auth,
    )
  }
  if (status === 403) {
    return new CliError(
      error.message,
      'your credentials lack the permission; ask an admin',
      ExitCode.auth,
    )
  }
  if (status === 404 && subject) {
    const list = subject.kind === 'session' ? 'agentapi-proxy list' : 'agentapi-proxy keys list'
    return new CliError(
      `${subject.kind} ${subject.id} not found (${error.method} ${error.path} → 404)`,
      `see ${list}`,
      ExitCode.notFound,
    )
  }
  if (status === 404) return new CliError(error.message, undefined, ExitCode.notFound)
  if (error.code === 'session_ended' && subject?.kind === 'session') {
    const problem = error.problem as { session_status?: string; session_error?: string | null }
    const why = problem?.session_error ? `: ${problem.session_error}` : ''
    return new CliError(
      `session ${subject.id} is ${problem?.session_status ?? 'over'}${why}`,
      `its last output: agentapi-proxy logs ${subject.id}; a new one: agentapi-proxy start`,
      ExitCode.notFound,
    )
  }
  if (status === 400 || status === 422) {
    return new CliError(error.message, 'fix the value named above', ExitCode.usage)
  }
  return new CliError(error.message, hintFor(error, subject), ExitCode.error)
}

function hintFor(error: ApiError, subject: FailureContext['subject']): string | undefined {
  if (error.status === 429) {
    return 'too many sessions: stop some (agentapi-proxy list, agentapi-proxy delete <id>) or retry later'
  }
  if (error.status === 501) return 'this server does not support it yet; upgrade the server'
  if (error.status >= 502 && error.status <= 504 && subject?.kind === 'session') {
    return `the session's agent is not answering; see agentapi-proxy logs ${subject.id}`
  }
  if (error.status === 409 && subject?.kind === 'session') {
    return `the agent is busy; wait for it (agentapi-proxy status ${subject.id}) and retry`
  }
  if (error.status >= 500) return 'a server error; its logs say more'
  return undefined
}

function networkCode(error: unknown): string | undefined {
  if (error instanceof ServerUnreachableError) return error.code ?? 'no answer'
  if (!(error instanceof TypeError)) return undefined
  const cause = (error as { cause?: unknown }).cause as
    | { code?: unknown; errors?: { code?: unknown }[] }
    | undefined
  const code = typeof cause?.code === 'string' ? cause.code : cause?.errors?.[0]?.code
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code
  // Node's fetch says "fetch failed" for every failure without an answer.
  return error.message === 'fetch failed'
    ? typeof code === 'string'
      ? code
      : 'no answer'
    : undefined
}
