import type { AuditAction, AuditEntry, AuditQuery } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { note, printJson, printLine } from '../output.ts'
import { renderTable } from '../table.ts'
import { localTime } from '../timestamps.ts'

/**
 * Flags of `agentapi-proxy audit`.
 *
 * @example
 * const options: AuditOptions = { user: 'alice', action: 'session.start', limit: 20 }
 */
export interface AuditOptions extends ConnectionOptions {
  user?: string | undefined
  action?: string | undefined
  /** Any date `Date` parses, sent as ISO 8601 UTC. */
  since?: string | undefined
  until?: string | undefined
  /** How many entries to show, newest first (100 by default). */
  limit?: number | undefined
}

// The server's largest page.
const PAGE = 500

/**
 * Prints the newest audit entries (admins only) as a table, or `--json`, following
 * `next_cursor` until `limit` entries are shown.
 *
 * @example
 * await auditCommand({ action: 'api_key.revoke', since: '2026-12-01' })
 */
export async function auditCommand(options: AuditOptions): Promise<void> {
  const { client, url } = connect(options)
  const limit = options.limit ?? 100
  const query: AuditQuery = {
    ...(options.user ? { user_id: options.user } : {}),
    ...(options.action ? { action: options.action as AuditAction } : {}),
    ...(options.since ? { since: isoDate(options.since, '--since') } : {}),
    ...(options.until ? { until: isoDate(options.until, '--until') } : {}),
  }
  const entries: AuditEntry[] = []
  let cursor: string | undefined
  do {
    const page = await client
      .audit({
        ...query,
        limit: Math.min(PAGE, limit - entries.length),
        ...(cursor ? { cursor } : {}),
      })
      .catch((error: unknown) => {
        throw explainFailure(error, { url })
      })
    entries.push(...page.entries)
    cursor = page.next_cursor ?? undefined
  } while (cursor && entries.length < limit)
  if (options.json) return printJson({ entries, next_cursor: cursor ?? null })
  if (entries.length === 0) return note('No audit entries match.')
  printLine(
    renderTable(
      ['TIME', 'ACTION', 'USER', 'METHOD', 'TARGET', 'SOURCE'],
      entries.map((entry) => [
        localTime(entry.at),
        entry.action,
        entry.user_id,
        entry.auth_method,
        entry.target ?? '-',
        entry.source ?? '-',
      ]),
    ),
  )
  if (cursor) note(`Showing the newest ${entries.length}; raise --limit for more.`)
}

function isoDate(text: string, flag: string): string {
  const time = Date.parse(text)
  if (Number.isNaN(time)) {
    throw new CliError(
      `${flag} must be a date, not "${text}"`,
      `e.g. ${flag} 2026-12-01 or ${flag} 2026-12-01T09:00:00Z`,
      ExitCode.usage,
    )
  }
  return new Date(time).toISOString()
}
