import type { Client, SessionSummary } from '@agentapi-proxy/client'
import { h } from '../elements.ts'
import { agentPill, shortId, statusPill, tagChips } from './pills.ts'

const POLL_MS = 2000
const RUNNING = new Set<SessionSummary['status']>(['starting', 'active'])

/** What the list needs from the page around it. */
export interface SessionListOptions {
  client: Client
  open(sessionId: string): void
  /** Resolves true once stopped; false when it failed (and was reported). */
  stop(sessionId: string): Promise<boolean>
  report(error: unknown, what: string): void
}

/** The caller's sessions (all of them for an admin), newest first, kept current by polling. */
export interface SessionList {
  element: HTMLElement
  refresh(): Promise<void>
  select(sessionId: string | undefined): void
  dispose(): void
}

/**
 * Lists sessions with their status and the agent's live status (which the proxy keeps current
 * from each agent's events), polling `GET /search` every 2 s.
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
  const refresh = async () => {
    const ask = ++asked
    try {
      const page = await options.client.search({ limit: 20 })
      if (ask !== asked) return // a newer answer is on its way; never show an older one after it
      sessions = page.sessions
      failing = false
      render()
    } catch (error) {
      // Once per outage, not every 2 s.
      if (!failing) options.report(error, 'Could not list your sessions')
      failing = true
    }
  }

  void refresh()
  const timer = setInterval(refresh, POLL_MS)
  return {
    element,
    refresh,
    select: (sessionId) => {
      selected = sessionId
      render()
    },
    dispose: () => clearInterval(timer),
  }
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}
