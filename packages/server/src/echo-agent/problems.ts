import type { IncomingMessage, ServerResponse } from 'node:http'
import { writeEnveloped } from './envelope.ts'
import { goJson, goMapJson } from './go-json.ts'

/**
 * huma's RFC 7807 errors as agentapi sends them: `application/problem+json`
 * with `$schema, title, status, detail, errors`; `type` and `instance` are empty and omitted.
 */

/** One entry of `errors[]`; empty fields are omitted, like Go's `omitempty`. */
export interface ErrorDetail {
  message?: string
  location?: string
  /** A value from the request. null and undefined are omitted (Go's nil). */
  value?: unknown
}

// Go's http.StatusText for the statuses agentapi's API can answer with.
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
}

/** An error that becomes a problem+json response. */
export class Problem extends Error {
  readonly status: number
  readonly detail: string
  readonly errors: readonly ErrorDetail[]

  constructor(status: number, detail: string, errors: readonly ErrorDetail[] = []) {
    super(detail)
    this.status = status
    this.detail = detail
    this.errors = errors
  }

  /** huma's wrapping of any plain Go error a handler returns: always 500, reason in errors[0]. */
  static unexpected(message: string): Problem {
    return new Problem(500, 'unexpected error occurred', [{ message }])
  }

  /** huma's request-validation failure (400 for syntax, 415 for media type, 422 for schema). */
  static validation(status: number, errors: readonly ErrorDetail[]): Problem {
    return new Problem(status, 'validation failed', errors)
  }
}

/** Writes `problem`; anything else is reported the way huma reports a plain handler error. */
export function writeProblem(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const problem =
    error instanceof Problem
      ? error
      : Problem.unexpected(error instanceof Error ? error.message : String(error))
  const fields = [
    `"title":${goJson(TITLES[problem.status] ?? '')}`,
    `"status":${problem.status}`,
    `"detail":${goJson(problem.detail)}`,
  ]
  if (problem.errors.length > 0)
    fields.push(`"errors":[${problem.errors.map(detailJson).join(',')}]`)
  writeEnveloped(req, res, problem.status, 'ErrorModel', `{${fields.join(',')}}`)
}

function detailJson({ message, location, value }: ErrorDetail): string {
  const fields: string[] = []
  if (message) fields.push(`"message":${goJson(message)}`)
  if (location) fields.push(`"location":${goJson(location)}`)
  // The value was decoded into Go's `any`, so objects inside it come back with sorted keys.
  if (value !== undefined && value !== null) fields.push(`"value":${goMapJson(value)}`)
  return `{${fields.join(',')}}`
}
