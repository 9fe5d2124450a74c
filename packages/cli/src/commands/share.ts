import type { Share } from '@agentapi-proxy/client'
import { CliError } from '../cli-error.ts'
import type { ConnectionOptions } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { note, printJson, printLine } from '../output.ts'
import { onSession } from '../session-id.ts'
import { renderTable } from '../table.ts'
import { age, localTime } from '../timestamps.ts'

/**
 * Flags of `agentapi-proxy share <id>`.
 *
 * @example
 * const options: CreateShareOptions = { expires: '1h' }
 */
export interface CreateShareOptions extends ConnectionOptions {
  /** How long the link works: `90s`, `30m`, `1h`, `7d` (the server's default, 24 h, if unset). */
  expires?: string | undefined
}

/**
 * Creates a read-only share link to a session and prints its URL on stdout (the whole answer
 * with `--json`); the server never shows the token again.
 *
 * @example
 * await createShareCommand('1a2b3c4d', { expires: '1h' })
 */
export async function createShareCommand(
  typed: string,
  options: CreateShareOptions,
): Promise<void> {
  const body = options.expires ? { expires_in: seconds(options.expires) } : {}
  const created = await onSession(options, typed, (client, id) => client.createShare(id, body))
  if (options.json) return printJson(created)
  printLine(created.url)
  note(
    `Share link ${created.id} reads session ${created.session_id} until ${localTime(created.expires_at)}, ` +
      'without credentials.\nCopy it now: it is never shown again.',
  )
}

/**
 * Lists a session's share links that still work, with their viewers; never their tokens.
 *
 * @example
 * await listSharesCommand('1a2b3c4d', { json: true })
 */
export async function listSharesCommand(typed: string, options: ConnectionOptions): Promise<void> {
  const list = await onSession(options, typed, (client, id) => client.listShares(id))
  if (options.json) return printJson(list)
  if (list.shares.length === 0) return note('No share links.')
  printLine(shareTable(list.shares))
}

/**
 * Revokes one share link of a session, or every one with `all`: they stop working at once and
 * their viewers' streams end.
 *
 * @example
 * await revokeShareCommand('1a2b3c4d', 'shr_Vb3kX0q9cJ1fRk2m', {})
 */
export async function revokeShareCommand(
  typed: string,
  shareId: string,
  options: ConnectionOptions,
): Promise<void> {
  const revoked = await onSession(options, typed, (client, id) =>
    shareId === 'all' ? client.revokeShares(id) : client.revokeShare(id, shareId),
  )
  if (options.json) return printJson(revoked)
  if (revoked.revoked.length === 0) return note('No share links to revoke.')
  for (const id of revoked.revoked) printLine(`Share link ${id} revoked`)
}

function shareTable(shares: readonly Share[]): string {
  const now = Date.now()
  return renderTable(
    ['ID', 'PREFIX', 'CREATED BY', 'AGE', 'EXPIRES', 'VIEWERS'],
    shares.map((share) => [
      share.id,
      share.prefix,
      share.created_by,
      age(share.created_at, now),
      localTime(share.expires_at),
      String(share.viewers),
    ]),
  )
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/**
 * `--expires` in seconds: a number with a unit (`90s`, `30m`, `1h`, `7d`), or bare seconds.
 *
 * @example
 * seconds('1h') // 3600
 */
export function seconds(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim())
  if (!match?.[1]) {
    throw new CliError(
      `--expires must be a duration, not "${text}"`,
      'e.g. --expires 30m, 1h or 7d (from 1 minute to 30 days)',
      ExitCode.usage,
    )
  }
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1)
}
