/**
 * How a request to an agent failed, which decides what the caller and the session directory
 * are told.
 */

// Slow, not gone: the agent is alive but busy (agentapi answers one POST at a time), so no one is
// told it exited.
const TIMEOUTS: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** Why an agent request failed. */
export type Failure = 'gone' | 'slow' | 'garbled'

export function failureOf(code: string): Failure {
  if (TIMEOUTS.has(code)) return 'slow'
  // The agent answered, but not in HTTP the parser (HPE_*) or Node's writeHead (ERR_*) accepts.
  if (code === 'HTTPParserError' || code.startsWith('HPE_') || code.startsWith('ERR_')) {
    return 'garbled'
  }
  return 'gone'
}

export const FAILURE_DETAIL: Record<Failure, string> = {
  gone: 'is not reachable; it may have exited. GET /sessions/<id> shows its state',
  slow: 'did not answer in time',
  garbled: 'answered with a response that is not valid HTTP',
}
