import type { Client } from '@agentapi-proxy/client'
import { h } from '../elements.ts'

/** The demo's own read-only page for a link: the token after `#` never reaches a server log. */
export function sharedPageUrl(token: string): string {
  return new URL(`/shared#${token}`, location.origin).href
}

/**
 * "Copy share link": asks the proxy for a read-only link to the session (24 h), shows it in a
 * field and copies it to the clipboard when the browser lets the page.
 */
export function shareButton(
  client: Client,
  sessionId: string,
  report: (error: unknown, what: string) => void,
): { button: HTMLButtonElement; field: HTMLElement } {
  const button = h('button', { type: 'button', className: 'small share' }, 'Copy share link')
  const input = h('input', { readOnly: true, ariaLabel: 'Share link', className: 'share-url' })
  const said = h('span', { className: 'share-note' })
  const field = h('div', { className: 'share-link', hidden: true }, input, said)
  button.onclick = async () => {
    button.disabled = true
    try {
      const { token, expires_at } = await client.createShare(sessionId)
      input.value = sharedPageUrl(token)
      field.hidden = false
      input.select()
      const until = new Date(expires_at).toLocaleString()
      const copied = await navigator.clipboard?.writeText(input.value).then(
        () => true,
        () => false,
      )
      said.textContent = `${copied ? 'Copied. ' : ''}Anyone with it can watch, read-only, until ${until}.`
    } catch (error) {
      report(error, 'Could not make a share link')
    } finally {
      button.disabled = false
    }
  }
  return { button, field }
}
