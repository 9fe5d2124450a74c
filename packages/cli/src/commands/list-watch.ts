import type { Client, SessionEvent, SessionSummary } from '@agentapi-proxy/client'
import { printLine } from '../output.ts'
import { allSessions } from '../session-id.ts'
import { sessionTable } from './list.ts'
import { eventLine, followEvents, type ListFilter, matches } from './watch.ts'

/** What `list --watch` needs besides the client. */
export interface ListWatchOptions {
  url: string
  filter: ListFilter
  wide: boolean
  /** Re-render the whole table on each change (a terminal), or print each change (a pipe). */
  redraw: boolean
}

// Clear the screen and go home: the table is drawn again from the top.
const CLEAR = '\x1b[2J\x1b[H'

/**
 * `list --watch`: on a terminal, the table drawn again at each change of a session it shows
 * (or would now show); in a pipe, the table once, then one line per such change. The stream
 * opens before the list is read, so no change falls between the two.
 *
 * @example
 * await watchList(client, { url, filter: { tags: {} }, wide: false, redraw: true })
 */
export async function watchList(client: Client, options: ListWatchOptions): Promise<void> {
  const { filter } = options
  const shown = new Map<string, SessionSummary>()
  const reload = async () => {
    shown.clear()
    for (const s of await allSessions(client, filter)) shown.set(s.session_id, s)
    draw()
  }
  const draw = () => {
    const rows = [...shown.values()].sort((a, b) => b.started_at.localeCompare(a.started_at))
    const table = rows.length > 0 ? sessionTable(rows, options.wide) : 'No sessions found.'
    printLine(options.redraw ? `${CLEAR}${table}` : table)
  }
  const onEvent = async (event: SessionEvent) => {
    if (event.type === 'reset') return reload()
    const id = event.session.session_id
    const belongs = event.type !== 'deleted' && matches(event.session, filter)
    if (!belongs && !shown.has(id)) return
    if (belongs) shown.set(id, event.session)
    else shown.delete(id)
    if (options.redraw) draw()
    else printLine(eventLine(event))
  }
  await followEvents(client, options.url, onEvent, reload)
}
