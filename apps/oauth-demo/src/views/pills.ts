import type { SessionSummary } from '@agentapi-proxy/client'
import { h } from '../elements.ts'

/** A session's status as a coloured pill: `active`, `starting`, `failed`… */
export function statusPill(status: SessionSummary['status']): HTMLElement {
  return h('span', { className: `pill status-${status}`, title: 'Session status' }, status)
}

/** What the agent is doing: `running` (working on a message) or `stable` (waiting for one). */
export function agentPill(status: SessionSummary['agent_status'] | undefined): HTMLElement {
  const text = status === 'running' ? 'agent running' : status === 'stable' ? 'agent ready' : ''
  return h('span', { className: `pill agent-${status ?? 'none'}`, title: 'Agent status' }, text)
}

/** A session id as people read it: the first block of the UUID. */
export function shortId(sessionId: string): string {
  return sessionId.slice(0, 8)
}

/** A session's tags as small chips. */
export function tagChips(tags: Record<string, string>): HTMLElement {
  const chips = Object.entries(tags).map(([key, value]) =>
    h('span', { className: 'tag' }, `${key}=${value}`),
  )
  return h('span', { className: 'tags' }, ...chips)
}
