import type { SearchResponse, SessionStatus, SessionSummary } from '@agentapi-proxy/client'
import { LIVE_SESSION_STATUSES } from '@agentapi-proxy/shared'
import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { keyValues } from '../key-values.ts'
import { note, printJson, printLine } from '../output.ts'
import { allSessions } from '../session-id.ts'
import { renderTable } from '../table.ts'
import { age, localTime } from '../timestamps.ts'

/**
 * Flags of `agentapi-proxy list` (alias `search`).
 *
 * @example
 * const options: ListOptions = { status: ['active'], tags: ['team=infra'], allPages: true }
 */
export interface ListOptions extends ConnectionOptions {
  user?: string | undefined
  /** Sessions in any of these statuses; unset: those that have not ended (see `all`). */
  status?: SessionStatus[] | undefined
  /** Every status, ended sessions too. */
  all?: boolean | undefined
  /** `KEY=VALUE` filters (`--tag`, repeatable), ANDed. */
  tags?: string[]
  /** Sessions per page (the server's default is 50). */
  limit?: number | undefined
  /** `next_cursor` of an earlier page. */
  cursor?: string | undefined
  /** Follow `next_cursor` to the last page. */
  allPages?: boolean | undefined
  /** Full ids and start times. */
  wide?: boolean | undefined
  /** Keep the list current as sessions change (see commands/list-watch.ts). */
  watch?: boolean | undefined
}

/**
 * Finds sessions, newest first, and prints them as an aligned table (the raw response with
 * `--json`). By default only sessions that have not ended: a stopped or failed one is history,
 * and among live ones it would hide what runs. When more pages remain, says on stderr how to
 * get them.
 *
 * @example
 * await listCommand({ status: ['active'], wide: true })
 */
export async function listCommand(options: ListOptions): Promise<void> {
  if (options.all && options.status) {
    throw new CliError(
      '--all and --status exclude each other',
      '--all lists every status; --status only those it names',
      ExitCode.usage,
    )
  }
  const { client, url } = connect(options)
  const status = options.status ?? (options.all ? undefined : [...LIVE_SESSION_STATUSES])
  const query = {
    ...(options.user ? { user_id: options.user } : {}),
    ...(status ? { status } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
    ...(options.cursor ? { cursor: options.cursor } : {}),
    tags: keyValues(options.tags ?? [], '--tag'),
  }
  if (options.watch) {
    // Loaded only for --watch; it imports this module back for the table.
    const { watchList } = await import('./list-watch.ts')
    const redraw = process.stdout.isTTY === true && !options.json
    return watchList(client, { url, filter: query, wide: options.wide === true, redraw })
  }
  let response: SearchResponse
  try {
    response = options.allPages
      ? { sessions: await allSessions(client, query), next_cursor: null }
      : await client.search(query)
  } catch (error) {
    throw explainFailure(error, { url })
  }
  if (options.json) return printJson(response)
  if (response.sessions.length > 0)
    printLine(sessionTable(response.sessions, options.wide === true))
  else note(options.status || options.all ? 'No sessions found.' : NONE_LIVE)
  if (response.next_cursor) {
    note(`More sessions: add --all-pages, or --cursor ${response.next_cursor} for the next page.`)
  }
}

const NONE_LIVE = 'No sessions running. Ended ones: agentapi-proxy list --all'

/**
 * Sessions as a table: ID, USER, STATUS, AGENT (what agentapi reports: running or stable), AGE,
 * TAGS; wide adds STARTED and shows whole ids.
 *
 * @example
 * printLine(sessionTable((await client.search()).sessions, false))
 */
export function sessionTable(sessions: readonly SessionSummary[], wide: boolean): string {
  const now = Date.now()
  const headers = ['ID', 'USER', 'STATUS', 'AGENT', 'AGE', ...(wide ? ['STARTED'] : []), 'TAGS']
  const rows = sessions.map((s) => [
    wide ? s.session_id : s.session_id.slice(0, 8),
    s.user_id,
    s.status,
    s.agent_status ?? '-',
    age(s.started_at, now),
    ...(wide ? [localTime(s.started_at)] : []),
    formatTags(s.tags),
  ])
  return renderTable(headers, rows)
}

/**
 * Tags as `key=value` pairs, comma-separated; `-` when there are none.
 *
 * @example
 * formatTags({ team: 'infra', ticket: 'OPS-12' }) // 'team=infra,ticket=OPS-12'
 */
export function formatTags(tags: Record<string, string>): string {
  const pairs = Object.entries(tags).map(([key, value]) => `${key}=${value}`)
  return pairs.length ? pairs.join(',') : '-'
}
