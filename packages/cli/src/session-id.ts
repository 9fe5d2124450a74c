import type { Client, SessionSummary } from '@agentapi-proxy/client'
import { explainFailure } from './api-failure.ts'
import { CliError } from './cli-error.ts'
import { type Connection, type ConnectionOptions, connect } from './connection.ts'
import { ExitCode } from './exit-codes.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PREFIX = /^[0-9a-f][0-9a-f-]{0,35}$/i
const PAGE = 500

/**
 * The full id of a session from what the user typed: a whole UUID as it is, or the start of
 * one (the 8 characters `agentapi-proxy list` shows) matched against the sessions they can see.
 *
 * @example
 * const id = await resolveSessionId(client, '1a2b3c4d')
 */
export async function resolveSessionId(client: Client, typed: string): Promise<string> {
  if (UUID.test(typed)) return typed.toLowerCase()
  if (!PREFIX.test(typed)) {
    throw new CliError(
      `session ${typed} not found: a session id is a UUID or the start of one`,
      'see agentapi-proxy list',
      ExitCode.notFound,
    )
  }
  const prefix = typed.toLowerCase()
  const matches = (await allSessions(client)).filter((s) => s.session_id.startsWith(prefix))
  if (matches.length === 1) return (matches[0] as SessionSummary).session_id
  if (matches.length === 0) {
    throw new CliError(`session ${typed} not found`, 'see agentapi-proxy list', ExitCode.notFound)
  }
  throw new CliError(
    `${matches.length} sessions start with ${typed}: ${matches.map((s) => s.session_id).join(', ')}`,
    'type more of the id',
    ExitCode.usage,
  )
}

/**
 * Every session the caller can see, following `next_cursor` to the end.
 *
 * @example
 * const sessions = await allSessions(client, { status: 'active' })
 */
export async function allSessions(
  client: Client,
  query: Parameters<Client['search']>[0] = {},
): Promise<SessionSummary[]> {
  const sessions: SessionSummary[] = []
  let cursor: string | undefined
  do {
    const page = await client.search({ limit: PAGE, ...query, ...(cursor ? { cursor } : {}) })
    sessions.push(...page.sessions)
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  return sessions
}

/**
 * Runs `call` on the session the user named, with a client for the server the options name;
 * a failed request becomes a one-line CliError that names the session.
 *
 * @example
 * const session = await onSession(options, '1a2b3c4d', (client, id) => client.getSession(id))
 */
export async function onSession<T>(
  options: ConnectionOptions,
  typed: string,
  call: (client: Client, id: string, connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = connect(options)
  let id = typed
  try {
    id = await resolveSessionId(connection.client, typed)
    return await call(connection.client, id, connection)
  } catch (error) {
    throw explainFailure(error, { url: connection.url, subject: { kind: 'session', id } })
  }
}
