/**
 * What the CLI's exit code means, so scripts can branch on it (documented in the README).
 *
 * @example
 * throw new CliError('session abc not found', 'See agentapi-proxy list', ExitCode.notFound)
 */
export const ExitCode = {
  ok: 0,
  /** The request failed (a 5xx, a session that failed to start, …), or a bug. */
  error: 1,
  /**
   * Bad arguments, flags or configuration (for `server`, any start-up error); also a request the
   * server refused as invalid.
   */
  usage: 2,
  /** The session or API key does not exist (or is not yours). */
  notFound: 3,
  /** 401 or 403: missing, wrong or insufficient credentials. */
  auth: 4,
  /** The server could not be reached at all. */
  unreachable: 5,
} as const
