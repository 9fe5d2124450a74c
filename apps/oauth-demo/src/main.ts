// The OAuth demo: sign in with GitHub through agentapi-proxy, then start sessions and chat with
// their agents. Four places: `/` (sign-in or dashboard), `/callback` (GitHub sends the browser
// back here), `/sessions/<id>` (the dashboard with that session's chat open) and
// `/shared#<token>` (a session watched through a share link, signed out, read-only).
import './style.css'
import type { View } from './elements.ts'
import { errorText } from './error-text.ts'
import { currentSignIn, finishSignIn } from './sign-in.ts'
import { type Dashboard, dashboard, type SignedOutMessage } from './views/dashboard.ts'
import { sharedChat } from './views/shared-chat.ts'
import { signInPage } from './views/sign-in-page.ts'

const root = document.querySelector<HTMLElement>('#app') ?? document.body
let current: View | undefined
let board: Dashboard | undefined

function show(view: View): void {
  current?.dispose()
  current = view
  root.replaceChildren(view.element)
}

function navigate(path: string): void {
  if (location.pathname !== path) history.pushState(null, '', path)
  route()
}

function signedOut(message?: SignedOutMessage): void {
  board = undefined
  history.replaceState(null, '', '/')
  show(signInPage(message))
}

function route(): void {
  // A share link needs no sign-in, and shows the same whoever opens it.
  if (location.pathname === '/shared') {
    board = undefined
    show(sharedChat(decodeURIComponent(location.hash.slice(1))))
    return
  }
  const signedIn = currentSignIn()
  if (!signedIn) {
    signedOut()
    return
  }
  board ??= dashboard({ signedIn, navigate, signedOut })
  if (current !== board) show(board)
  board.openSession(/^\/sessions\/([^/]+)$/.exec(location.pathname)?.[1])
}

async function start(): Promise<void> {
  if (location.pathname !== '/callback') {
    route()
    return
  }
  root.replaceChildren(document.createTextNode('Finishing sign-in…'))
  try {
    await finishSignIn(new URLSearchParams(location.search))
    // The code is spent: keep it out of the history and of bookmarks.
    history.replaceState(null, '', '/')
    route()
  } catch (error) {
    signedOut({ text: errorText(error), tone: 'error' })
  }
}

// GitHub accepts a loopback callback on any port only for 127.0.0.1, which is what the proxy
// allows; on `localhost` the sign-in would be refused.
if (location.hostname === 'localhost') {
  location.replace(location.href.replace('//localhost', '//127.0.0.1'))
} else {
  window.addEventListener('popstate', route)
  void start()
}
