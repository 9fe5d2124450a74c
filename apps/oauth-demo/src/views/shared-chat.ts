import { ApiError, type ConversationState, openSharedSession } from '@agentapi-proxy/client'
import { API_BASE } from '../api.ts'
import { h, type View } from '../elements.ts'
import { errorText } from '../error-text.ts'
import { agentPill } from './pills.ts'
import { Transcript } from './transcript.ts'

/**
 * A session watched through a share link, signed out: the conversation streams in live, and
 * there is nothing to type into. The proxy allows a link nothing but reading anyway.
 */
export function sharedChat(token: string): View {
  const controller = new AbortController()
  const status = h('span', { className: 'chat-pills' })
  const log = h('ol', { className: 'messages' })
  const line = h('p', { className: 'chat-line', role: 'status' }, 'Connecting to the agent…')
  const element = h(
    'main',
    { className: 'page shared' },
    h(
      'section',
      { className: 'panel chat' },
      h('header', { className: 'chat-head' }, h('h2', {}, 'Shared session'), status),
      log,
      line,
      h('p', { className: 'read-only' }, 'Read-only: you are watching through a share link.'),
    ),
  )
  const transcript = new Transcript(log)
  const render = (state: ConversationState) => {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40
    transcript.show(state.messages)
    if (atBottom) log.scrollTop = log.scrollHeight
    status.replaceChildren(agentPill(state.status ?? undefined))
    line.textContent = state.status === 'stable' ? 'The agent is waiting.' : 'The agent is working…'
  }
  const follow = async () => {
    const shared = openSharedSession({ baseUrl: API_BASE, token })
    try {
      const conversation = shared.conversation({
        signal: controller.signal,
        reconnect: { delay: 250, maxDelay: 2000 },
      })
      for await (const state of conversation) render(state)
      if (!controller.signal.aborted) line.textContent = 'The link stopped working.'
    } catch (error) {
      line.textContent = endedText(error)
    }
  }
  void follow()
  return { element, dispose: () => controller.abort() }
}

function endedText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'share_not_found') return 'This link was revoked, or never existed.'
    if (error.code === 'share_expired') return 'This link has expired.'
    if (error.code === 'session_ended') return 'This session has ended.'
  }
  return `The conversation stopped: ${errorText(error)}`
}
