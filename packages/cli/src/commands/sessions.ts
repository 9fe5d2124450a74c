import type { Session } from '@agentapi-proxy/client'
import type { ConnectionOptions } from '../connection.ts'
import { printJson, printLine } from '../output.ts'
import { Progress } from '../progress.ts'
import { onSession } from '../session-id.ts'
import { renderColumns } from '../table.ts'
import { age, localTime } from '../timestamps.ts'
import { formatTags } from './list.ts'

/**
 * Prints one session: its fields aligned, with the error and last log lines of a failed one
 * (the session object with `--json`). `id` may be the start of the session's id.
 *
 * @example
 * await getCommand('1a2b3c4d', { json: true })
 */
export async function getCommand(id: string, options: ConnectionOptions): Promise<void> {
  const session = await onSession(options, id, (client, full) => client.getSession(full))
  if (options.json) return printJson(session)
  printLine(describeSession(session))
}

/**
 * Stops a session and removes it; resolves once its agent has stopped.
 *
 * @example
 * await deleteCommand('1a2b3c4d', {})
 */
export async function deleteCommand(id: string, options: ConnectionOptions): Promise<void> {
  // Its agent may take the whole stop grace (5 s by default) to exit.
  const progress = new Progress()
  const result = await onSession(options, id, (client, full) => {
    progress.start(`Stopping session ${full.slice(0, 8)}`)
    return client.deleteSession(full)
  }).finally(() => progress.stop())
  if (options.json) return printJson(result)
  printLine(`Session ${result.session_id} ${result.status}`)
}

/**
 * A session as aligned `field  value` lines.
 *
 * @example
 * printLine(describeSession(await client.getSession(id)))
 */
export function describeSession(session: Session): string {
  const fields: [string, string][] = [
    ['id', session.session_id],
    ['user', session.user_id],
    ['status', session.status],
    ['agent', `${session.agent} (${session.agent_status ?? 'not reported yet'})`],
    ['started', `${localTime(session.started_at)} (${age(session.started_at)} ago)`],
    [
      'last activity',
      `${localTime(session.last_activity_at)} (${age(session.last_activity_at)} ago)`,
    ],
    ['port', session.port === null ? '-' : String(session.port)],
    ['repository', session.repository ?? '-'],
    ['tags', formatTags(session.tags)],
  ]
  if (session.exit_code !== null) fields.push(['exit code', String(session.exit_code)])
  if (session.error) fields.push(['error', session.error])
  const table = renderColumns(fields)
  if (session.log_tail.length === 0) return table
  return `${table}\nlast log lines:\n${session.log_tail.map((line) => `  ${line}`).join('\n')}`
}
