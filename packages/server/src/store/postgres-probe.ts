import pg from 'pg'
import { errnoCode, StartupError } from '../startup/startup-error.ts'

/** How long start-up waits for PostgreSQL to answer before it gives up. */
export const CONNECT_TIMEOUT_MS = 5_000

/**
 * Connects once, with a bounded wait, so an unreachable or refusing PostgreSQL stops start-up in
 * seconds with one line naming host:port — the pool itself has no connect timeout (a busy pool
 * must queue, not fail), and pg's own errors name neither the setting nor what to do.
 *
 * @example
 * await probePostgres('postgres://postgres@127.0.0.1:5432/test')
 */
export async function probePostgres(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  // Without a listener, an error after connect() settles would be thrown as an uncaught event.
  client.on('error', () => {})
  const where = client.host.startsWith('/')
    ? `${client.host}/.s.PGSQL.${client.port}`
    : `${client.host}:${client.port}`
  try {
    await client.connect()
  } catch (error) {
    throw explain(error, where, timeoutMs)
  } finally {
    await client.end().catch(() => {})
  }
}

function explain(error: unknown, where: string, timeoutMs: number): StartupError {
  const code = errnoCode(error)
  const fix = 'start PostgreSQL or fix the host and port in persistence.url'
  if (code === 'ECONNREFUSED') {
    return new StartupError(`PostgreSQL at ${where} refused the connection (nothing listens)`, fix)
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StartupError(`PostgreSQL host of ${where} is not known (DNS lookup failed)`, fix)
  }
  const message = error instanceof Error ? error.message : String(error)
  if (/timeout/i.test(message) || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    return new StartupError(
      `PostgreSQL at ${where} did not answer within ${timeoutMs / 1000} s`,
      `${fix}; check firewalls between here and there`,
    )
  }
  // A server-side refusal (wrong password, unknown database, no pg_hba entry): its own message,
  // which never carries the password.
  const reason = message.split('\n')[0]
  return new StartupError(
    `PostgreSQL at ${where} refused to start a session: ${reason}`,
    'check the user, password and database in persistence.url',
  )
}
