import type { Client, SessionEvent, SessionSummary } from '@agentapi-proxy/client'
import { h } from '../elements.ts'
import { agentPill, shortId, statusPill, tagChips } from './pills.ts'

const SHOWN = 20
const RUNNING = new Set<SessionSummary['status']>(['starting', 'active'])

/** What the list needs from the page around it. */
export interface SessionListOptions {
  client: Client
  open(sessionId: string): void
  /** Resolves true once stopped; false when it failed (and was reported). */
  stop(sessionId: string): Promise<boolean>
  report(error: unknown, what: string): void
}

/** The caller's sessions (all of them for an admin), newest first, kept current live. */
export interface SessionList {
  element: HTMLElement
  refresh(): Promise<void>
  select(sessionId: string | undefined): void
  dispose(): void
}

/**
 * Lists sessions with their status and the agent's live status, read once from `GET /search`
 * and then kept current by the proxy's session event stream (`GET /sessions/events`): no
 * polling. A session started in another tab or browser shows up as it is created.
 */
export function sessionList(options: SessionListOptions): SessionList {
  const items = h('ul', { className: 'sessions' })
  const empty = h('p', { className: 'fine' }, 'No sessions yet: start one above.')
  const element = h('section', { className: 'panel' }, h('h2', {}, 'Your sessions'), items, empty)
  let sessions: SessionSummary[] = []
  let selected: string | undefined
  let shown = ''
  let failing = false

  const render = () => {
    // Rebuild only on a change, so a click never lands on a row that was just replaced.
    const key = JSON.stringify([sessions, selected])
    if (key === shown) return
    shown = key
    items.replaceChildren(
      ...sessions.map((session) => row(session, session.session_id === selected)),
    )
    empty.hidden = sessions.length > 0
  }

  const row = (session: SessionSummary, isSelected: boolean) => {
    const id = session.session_id
    const running = RUNNING.has(session.status)
    const open = h(
      'button',
      { type: 'button', className: 'session-open', title: id, disabled: !running },
      h('code', {}, shortId(id)),
      tagChips(session.tags),
    )
    open.onclick = () => options.open(id)
    const stop = h('button', { type: 'button', className: 'danger small' }, 'Stop')
    stop.onclick = async () => {
      stop.disabled = true
      stop.textContent = 'Stopping…'
      if (await options.stop(id)) return
      stop.disabled = false
      stop.textContent = 'Stop'
    }
    return h(
      'li',
      { className: isSelected ? 'session selected' : 'session' },
      open,
      h(
        'span',
        { className: 'session-facts' },
        statusPill(session.status),
        running && agentPill(session.agent_status),
        h('time', { dateTime: session.started_at }, clock(session.started_at)),
      ),
      running && stop,
    )
  }

  let asked = 0
  // Events that arrive while a read is on its way may be newer than its answer: they are
  // applied again on top of it, in order, so the list ends at the newest state.
  const readers = new Set<SessionEvent[]>()
  const refresh = async () => {
    const ask = ++asked
    const since: SessionEvent[] = []
    readers.add(since)
    try {
      const page = await options.client.search({ limit: SHOWN })
      if (ask !== asked) return // a newer answer is on its way; never show an older one after it
      sessions = page.sessions
      failing = false
      for (const event of since) upsert(event)
      render()
    } catch (error) {
      // Once per outage.
      if (!failing) options.report(error, 'Could not list your sessions')
      failing = true
    } finally {
      readers.delete(since)
    }
  }

  const upsert = (event: SessionEvent) => {
    if (event.type === 'reset') return
    const rest = sessions.filter((s) => s.session_id !== event.session.session_id)
    sessions =
      event.type === 'deleted'
        ? rest
        : [event.session, ...rest]
            .sort((a, b) => b.started_at.localeCompare(a.started_at))
            .slice(0, SHOWN)
  }
  const apply = (event: SessionEvent) => {
    // Past the window the stream could replay: what was missed is read again.
    if (event.type === 'reset') return void refresh()
    for (const since of readers) since.push(event)
    upsert(event)
    render()
  }

  const stop = new AbortController()
  void follow(options, stop.signal, apply, refresh)
  return {
    element,
    refresh,
    select: (sessionId) => {
      selected = sessionId
      render()
    },
    dispose: () => stop.abort(),
  }
}

/**
 * Follows the session events; the list is read once the stream is open, so no change falls
 * between the two. A reconnection resumes from the last event and needs no new read.
 */
async function follow(
  options: SessionListOptions,
  signal: AbortSignal,
  apply: (event: SessionEvent) => void,
  refresh: () => Promise<void>,
): Promise<void> {
  try {
    const events = options.client.sessionEvents({
      signal,
      onOpen: (reconnected) => {
        if (!reconnected) void refresh()
      },
    })
    for await (const event of events) apply(event)
  } catch (error) {
    options.report(error, 'Lost the live session list')
  }
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}
