import { h, type View } from '../elements.ts'
import { errorText } from '../error-text.ts'
import { startSignIn } from '../sign-in.ts'
import { createNotice } from './notice.ts'

/**
 * The page for a signed-out tab: one button that starts GitHub sign-in through the proxy, and
 * why we are here (signed out, cancelled, an error) when there is something to say.
 */
export function signInPage(message?: { text: string; tone: 'error' | 'info' }): View {
  const notice = createNotice()
  if (message) notice.show(message.text, message.tone)
  const button = h('button', { type: 'button', className: 'primary big' }, 'Sign in with GitHub')
  button.onclick = async () => {
    button.disabled = true
    button.textContent = 'Going to GitHub…'
    notice.clear()
    try {
      await startSignIn()
    } catch (error) {
      notice.show(`Could not start the sign-in: ${errorText(error)}`)
      button.disabled = false
      button.textContent = 'Sign in with GitHub'
    }
  }
  const card = h(
    'main',
    { className: 'card sign-in' },
    h('h1', {}, 'agentapi-proxy'),
    h(
      'p',
      { className: 'lead' },
      'Start coding-agent sessions and chat with them, behind one authenticated front door.',
    ),
    notice.element,
    button,
    h(
      'p',
      { className: 'fine' },
      'You approve on GitHub; the proxy then gives this tab a token of its own, kept in this tab ' +
        'only. Your GitHub token stays with the proxy.',
    ),
  )
  return { element: h('div', { className: 'centered' }, card), dispose: () => {} }
}
