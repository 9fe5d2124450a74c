import { ERROR_STATUS, ERROR_TITLE, type ErrorCode, type Problem, problemType } from '../problem.ts'

/**
 * An example error body for the API reference: the code decides the status, title and type, so
 * an example can never be listed under a status its code does not answer with.
 *
 * @example
 * problemExample('session_not_found', 'No session 0b6c… is visible to you')
 */
export type ProblemExample = Problem

/** What an example may add to code and detail (field issues, how a session ended). */
export type ProblemExtras = Pick<Problem, 'errors' | 'session_status' | 'session_error'>

/**
 * Builds a {@link ProblemExample} as the server would answer it.
 *
 * @example
 * problemExample('forbidden', 'Your role (guest) does not have the session:create permission')
 */
export function problemExample(
  code: ErrorCode,
  detail: string,
  extras: ProblemExtras = {},
): ProblemExample {
  return {
    type: problemType(code),
    title: ERROR_TITLE[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    ...extras,
  }
}

const SESSION = '0b6c5f2e-8d1a-4c3b-9e7f-2a1d4c6b8e90'

/**
 * The example of each status a route lists without one of its own: what the server answers
 * there for any route (a missing credential, a body that is not JSON, a crash).
 *
 * @example
 * DEFAULT_PROBLEMS[401][0]?.code // 'unauthorized'
 */
export const DEFAULT_PROBLEMS = {
  400: [problemExample('bad_request', 'Malformed JSON in request body')],
  401: [
    problemExample(
      'unauthorized',
      'No credentials: send an API key in the X-API-Key header, or an API key, a GitHub token or a token from /oauth as "Authorization: Bearer <token>"',
    ),
    problemExample(
      'credentials_expired',
      'This access token expired at 2026-03-01T17:00:00.000Z; refresh it with POST /oauth/refresh or sign in again',
    ),
  ],
  403: [problemExample('forbidden', 'Your role (guest) does not have the session:list permission')],
  404: [problemExample('session_not_found', `No session ${SESSION} is visible to you`)],
  409: [problemExample('conflict', 'The request conflicts with the current state')],
  410: [
    problemExample(
      'session_ended',
      `The agent exited by itself with code 7: session ${SESSION} has no agent any more; GET /sessions/${SESSION} shows its last output`,
      { session_status: 'failed', session_error: 'The agent exited by itself with code 7' },
    ),
  ],
  413: [problemExample('payload_too_large', 'Request bodies are limited to 1048576 bytes')],
  422: [
    problemExample(
      'invalid_request',
      'Invalid body: tags.team: Invalid input: expected string, received number',
      {
        errors: [{ path: 'tags.team', message: 'Invalid input: expected string, received number' }],
      },
    ),
  ],
  429: [
    problemExample(
      'too_many_sessions',
      'User ada already has 10 sessions, the per-user limit; stop one (DELETE /sessions/{id}) first',
    ),
  ],
  500: [problemExample('internal', 'Something went wrong; the request id is in the logs')],
  501: [problemExample('not_implemented', 'This server does not implement this request yet')],
  502: [
    problemExample(
      'agent_unavailable',
      `The agent of session ${SESSION} is not reachable; it may have exited. GET /sessions/${SESSION} shows its state (ECONNREFUSED)`,
    ),
  ],
  503: [problemExample('session_not_ready', `Session ${SESSION} is starting; try again shortly`)],
} as const satisfies Record<number, readonly ProblemExample[]>

/** A status some route may answer with an error. */
export type ProblemStatus = keyof typeof DEFAULT_PROBLEMS

/**
 * A session id for examples, the same everywhere in the reference.
 *
 * @example
 * problemExample('session_not_found', `No session ${EXAMPLE_SESSION_ID} is visible to you`)
 */
export const EXAMPLE_SESSION_ID = SESSION
