import { ApiError, type Client, type ConversationState } from '@agentapi-proxy/client'
import { h, type View } from '../elements.ts'
import { errorText } from '../error-text.ts'
import { agentPill, shortId, tagChips } from './pills.ts'
import { shareButton } from './share-button.ts'
import { Transcript } from './transcript.ts'

/** What the chat needs from the page around it. */
export interface ChatOptions {
  client: Client
  sessionId: string
  /** Resolves true once stopped; false when it failed (and was reported). */
  stop(sessionId: string): Promise<boolean>
  report(error: unknown, what: string): void
  /** The session changed in a way the session list shows (it went live, the agent's status). */
  changed(): void
}

/** A chat that can be told its session was stopped elsewhere (from the list). */
export interface Chat extends View {
  stopped(): void
}

/**
 * One session as a chat: the agent's replies stream in as they grow (the proxy forwards the
 * agent's `/events`; `conversation()` upserts each message by id), and the composer sends the
 * next message once the agent is ready for it.
 */
export function chatPanel(options: ChatOptions): Chat {
  const { client, sessionId } = options
  const controller = new AbortController()
  const status = h('span', { className: 'chat-pills' })
  const stop = h('button', { type: 'button', className: 'danger small' }, 'Stop session')
  const share = shareButton(client, sessionId, options.report)
  const log = h('ol', { className: 'messages' })
  const line = h('p', { className: 'chat-line', role: 'status' }, 'Connecting to the agent…')
  const input = h('textarea', {
    name: 'chat-message',
    rows: 2,
    placeholder: 'Message the agent (Enter sends, Shift+Enter for a new line)',
  })
  const send = h('button', { type: 'submit', className: 'primary' }, 'Send')
  const composer = h('form', { className: 'composer' }, input, send)
  const element = h(
    'section',
    { className: 'panel chat' },
    h(
      'header',
      { className: 'chat-head' },
      h('h2', {}, 'Session ', h('code', { title: sessionId }, shortId(sessionId))),
      status,
      share.button,
      stop,
      share.field,
    ),
    log,
    line,
    composer,
  )
  const transcript = new Transcript(log)
  let agentReady = false
  let sending = false
  let ended = false

  const updateComposer = () => {
    send.disabled = ended || sending || !agentReady
    input.disabled = ended
  }
  const end = (text: string) => {
    line.textContent = text
    ended = true
    controller.abort()
    stop.hidden = true
    share.button.hidden = true
    updateComposer()
  }

  const render = (state: ConversationState) => {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40
    transcript.show(state.messages)
    if (atBottom) log.scrollTop = log.scrollHeight
    if ((state.status === 'stable') !== agentReady) options.changed()
    agentReady = state.status === 'stable'
    status.replaceChildren(agentPill(state.status ?? undefined))
    line.textContent = agentReady ? 'The agent is ready for your message.' : 'The agent is working…'
    updateComposer()
  }

  const follow = async () => {
    try {
      const conversation = client.conversation(sessionId, {
        signal: controller.signal,
        reconnect: { delay: 250, maxDelay: 2000 },
        onOpen: () => options.changed(),
        onRetry: (error) => {
          if (error instanceof ApiError && error.code === 'agent_unavailable') void failed()
          else line.textContent = waitingText(error)
        },
      })
      for await (const state of conversation) render(state)
    } catch (error) {
      if (ended) return
      if (error instanceof ApiError && error.status === 404) return end('This session has ended.')
      options.report(error, 'The conversation stopped')
      end(`The conversation stopped: ${errorText(error)}`)
    }
  }

  // The agent died under the session: say why instead of reconnecting for ever.
  const failed = async () => {
    controller.abort()
    try {
      const session = await client.getSession(sessionId)
      end(`The session failed: ${session.error ?? 'its agent exited'}.`)
    } catch (error) {
      end(`The session failed: ${errorText(error)}`)
    }
  }

  composer.onsubmit = async (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (!text || send.disabled) return
    sending = true
    updateComposer()
    try {
      // Resolves once the agent has started on it; the reply arrives through the stream.
      await client.sendMessage(sessionId, text)
      input.value = ''
    } catch (error) {
      options.report(error, 'The message was not sent')
    } finally {
      sending = false
      updateComposer()
      input.focus()
    }
  }
  input.onkeydown = (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      composer.requestSubmit()
    }
  }
  stop.onclick = async () => {
    stop.disabled = true
    stop.textContent = 'Stopping…'
    if (await options.stop(sessionId)) return
    stop.disabled = false
    stop.textContent = 'Stop session'
  }

  void client.getSession(sessionId).then(
    (session) => status.after(tagChips(session.tags)),
    (error: unknown) => options.report(error, 'Could not load the session'),
  )
  updateComposer()
  void follow()
  return {
    element,
    stopped: () => end('Session stopped. Its agent has exited; the transcript stays here.'),
    dispose: () => controller.abort(),
  }
}

function waitingText(error: unknown): string {
  if (error instanceof ApiError && error.code === 'session_not_ready') {
    return 'The agent is starting…'
  }
  if (error instanceof Error && error.name === 'StreamEnded') return 'Reconnecting to the agent…'
  return `Reconnecting to the agent: ${errorText(error)}`
}
