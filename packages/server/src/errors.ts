import {
  ERROR_STATUS,
  ERROR_TITLE,
  type ErrorCode,
  type FieldIssue,
  type Problem,
  problemType,
} from '@agentapi-proxy/shared'

/** Options for {@link AppError}: field issues and response headers such as Retry-After. */
export interface AppErrorOptions {
  errors?: FieldIssue[]
  headers?: Record<string, string>
  cause?: unknown
  /** With `session_ended`: how the session ended, and why. */
  ended?: { status: 'stopped' | 'failed'; error: string | null }
}

/**
 * The one error type services and routes throw. Its code decides the HTTP status (through the
 * shared table); its detail is safe to show to the caller.
 *
 * @example
 * throw new AppError('too_many_sessions', 'You have 10 sessions; stop one first', {
 *   headers: { 'Retry-After': '30' },
 * })
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly detail: string
  readonly errors: FieldIssue[] | undefined
  readonly headers: Record<string, string>
  readonly ended: AppErrorOptions['ended']

  constructor(code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(`${code}: ${detail}`, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.detail = detail
    this.errors = options.errors
    this.headers = options.headers ?? {}
    this.ended = options.ended
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code]
  }

  /** The RFC 9457 body for this error. */
  toProblem(context: { instance?: string; requestId?: string } = {}): Problem {
    return {
      type: problemType(this.code),
      title: ERROR_TITLE[this.code],
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(context.instance ? { instance: context.instance } : {}),
      ...(context.requestId ? { request_id: context.requestId } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.ended ? { session_status: this.ended.status, session_error: this.ended.error } : {}),
    }
  }
}

/** The error code that best describes a bare HTTP status thrown by a framework layer. */
export function codeForStatus(status: number): ErrorCode {
  const exact = (Object.keys(ERROR_STATUS) as ErrorCode[]).find(
    (code) => ERROR_STATUS[code] === status && !code.startsWith('session_'),
  )
  return exact ?? (status >= 500 ? 'internal' : 'bad_request')
}
