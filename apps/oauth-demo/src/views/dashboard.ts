import type { AuthStatusResponse, Session } from '@agentapi-proxy/client'
import { proxyClient } from '../api.ts'
import { h, type View } from '../elements.ts'
import { errorText, isSignedOut } from '../error-text.ts'
import { type SignedIn, signOut } from '../sign-in.ts'
import { type Chat, chatPanel } from './chat.ts'
import { newSessionForm } from './new-session-form.ts'
import { createNotice } from './notice.ts'
import { shortId } from './pills.ts'
import { sessionList } from './session-list.ts'
import { whoAmI } from './who-am-i.ts'

/** What to tell the person on the sign-in page. */
export interface SignedOutMessage {
  text: string
  tone: 'error' | 'info'
}

/** What the dashboard needs from the app around it. */
export interface DashboardOptions {
  signedIn: SignedIn
  /** Goes to another path of the app (pushState); the app then calls `openSession`. */
  navigate(path: string): void
  /** This tab is signed out now (by the person, or the proxy refused the token). */
  signedOut(message: SignedOutMessage): void
}

/** The signed-in page: who you are, your sessions, a form for a new one, and one chat. */
export interface Dashboard extends View {
  openSession(sessionId: string | undefined): void
}

/**
 * Everything a signed-in person sees. Every call goes to the proxy with this tab's bearer
 * token; a 401 from any of them means the token is no longer good, and signs the tab out.
 */
export function dashboard(options: DashboardOptions): Dashboard {
  const { signedIn, navigate } = options
  const client = proxyClient(signedIn.token)
  const notice = createNotice()
  let gone = false
  const report = (error: unknown, what: string) => {
    if (gone) return
    if (isSignedOut(error)) {
      gone = true
      options.signedOut({
        text: 'The proxy no longer accepts your sign-in (it expired or was revoked). Sign in again.',
        tone: 'error',
      })
      return
    }
    notice.show(`${what}: ${errorText(error)}`)
  }

  const stop = async (sessionId: string) => {
    try {
      await client.deleteSession(sessionId)
      notice.show(`Session ${shortId(sessionId)} stopped.`, 'info')
      if (openId === sessionId) chat?.stopped()
      await list.refresh()
      return true
    } catch (error) {
      report(error, `Could not stop session ${shortId(sessionId)}`)
      return false
    }
  }

  const list = sessionList({ client, report, stop, open: (id) => navigate(`/sessions/${id}`) })
  const form = newSessionForm({
    client,
    report,
    started: (session: Session) => {
      notice.clear()
      void list.refresh()
      navigate(`/sessions/${session.session_id}`)
    },
  })
  const signOutButton = h('button', { type: 'button' }, 'Sign out')
  signOutButton.onclick = async () => {
    signOutButton.disabled = true
    gone = true
    try {
      await signOut(signedIn)
      options.signedOut({ text: 'Signed out. The proxy has revoked your token.', tone: 'info' })
    } catch (error) {
      options.signedOut({
        text: `Signed out of this tab, but the proxy could not revoke the token: ${errorText(error)}`,
        tone: 'error',
      })
    }
  }

  const who = h('div', { className: 'who-am-i' }, `Signed in as @${signedIn.login}`)
  const chatSlot = h('div', { className: 'chat-slot' })
  const element = h(
    'div',
    { className: 'shell' },
    h(
      'header',
      { className: 'top' },
      h('div', { className: 'brand' }, 'agentapi-proxy', h('span', {}, 'OAuth demo')),
      who,
      signOutButton,
    ),
    notice.element,
    h(
      'div',
      { className: 'layout' },
      h('aside', { className: 'sidebar' }, form.element, list.element),
      chatSlot,
    ),
  )

  void client.authStatus().then(
    (status: AuthStatusResponse) => {
      who.replaceWith(whoAmI(signedIn, status))
      form.allow(status.permissions.some((p) => p === '*' || p === 'session:create'))
    },
    (error: unknown) => report(error, 'Could not ask the proxy who you are'),
  )

  let openId: string | undefined | null = null // null: nothing shown yet
  let chat: Chat | undefined
  const openSession = (sessionId: string | undefined) => {
    if (sessionId === openId) return
    chat?.dispose()
    chat = undefined
    openId = sessionId
    list.select(sessionId)
    if (sessionId === undefined) {
      chatSlot.replaceChildren(placeholder())
      return
    }
    chat = chatPanel({ client, sessionId, stop, report, changed: () => void list.refresh() })
    chatSlot.replaceChildren(chat.element)
  }
  openSession(undefined)

  return {
    element,
    openSession,
    dispose: () => {
      gone = true
      list.dispose()
      chat?.dispose()
    },
  }
}

function placeholder(): HTMLElement {
  return h(
    'section',
    { className: 'panel chat empty' },
    h('p', {}, 'Start a session, or open one of yours, to chat with its agent here.'),
  )
}
