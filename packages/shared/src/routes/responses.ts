import type { z } from 'zod'
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../problem.ts'

const PROBLEM_DESCRIPTIONS = {
  400: 'Malformed request (e.g. a body that is not JSON)',
  401: 'No valid credentials',
  403: 'Authenticated, but missing the permission',
  404: 'No such resource (or not yours)',
  409: 'Conflicts with the current state',
  410: 'The session has ended (stopped, deleted or failed): `session_status` and `session_error` say how and why',
  413: 'Body too large',
  422: 'Validation failed; `errors` names each field',
  429: 'A limit was reached; see Retry-After',
  500: 'Unexpected error',
  501: 'Not implemented in this version',
  502: "The session's agent did not answer, or died during the request; `detail` says why",
  503: 'Not ready yet; see Retry-After',
} as const

type ProblemStatus = keyof typeof PROBLEM_DESCRIPTIONS

/** Problem+json response entries for the given statuses (plus 500 and 501, always possible). */
export function problems(...statuses: ProblemStatus[]) {
  const all = [...new Set<ProblemStatus>([...statuses, 500, 501])]
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status],
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  )
}

/** A JSON success response entry. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/** A JSON request body entry, required. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } }
}

/** Either credential the server accepts, for routes that need one. */
export const authenticated: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }]
