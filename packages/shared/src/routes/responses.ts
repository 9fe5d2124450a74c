import type { z } from 'zod'
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../problem.ts'
import { DEFAULT_PROBLEMS, type ProblemExample, type ProblemStatus } from './problem-examples.ts'

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
} as const satisfies Record<ProblemStatus, string>

/**
 * Problem+json response entries: a status alone gets the usual example of that status
 * ({@link DEFAULT_PROBLEMS}); an example of the route's own (one or several per status) replaces
 * it. 500 and 501 are always possible, so always listed.
 *
 * @example
 * problems(401, 403, problemExample('session_not_found', 'No session 0b6c… is visible to you'))
 */
export function problems(...entries: Array<ProblemStatus | ProblemExample>) {
  const own = new Map<number, ProblemExample[]>()
  for (const entry of entries) {
    if (typeof entry === 'number') continue
    own.set(entry.status, [...(own.get(entry.status) ?? []), entry])
  }
  const statuses = entries.map((entry) => (typeof entry === 'number' ? entry : entry.status))
  const all = [...new Set([...statuses, 500, 501])] as ProblemStatus[]
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status],
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: ProblemSchema,
            examples: examplesOf(own.get(status) ?? DEFAULT_PROBLEMS[status]),
          },
        },
      },
    ]),
  )
}

// OpenAPI's named examples: one per code (Scalar lists them by name), numbered when a code repeats.
function examplesOf(examples: readonly ProblemExample[]) {
  const named: Record<string, { summary: string; value: ProblemExample }> = {}
  for (const example of examples) {
    const taken = Object.keys(named).filter((name) => name.startsWith(example.code)).length
    const name = taken === 0 ? example.code : `${example.code}_${taken + 1}`
    named[name] = { summary: `${example.status} ${example.code}`, value: example }
  }
  return named
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
