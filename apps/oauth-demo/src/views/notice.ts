import { h } from '../elements.ts'

/** One line at the top of a page that tells the person what went wrong (or what happened). */
export interface Notice {
  element: HTMLElement
  show(text: string, tone?: 'error' | 'info'): void
  clear(): void
}

/**
 * A dismissable notice; hidden while empty.
 *
 * @example
 * const notice = createNotice()
 * notice.show('Signed out.', 'info')
 */
export function createNotice(): Notice {
  const text = h('span')
  const close = h('button', { type: 'button', className: 'link', ariaLabel: 'Dismiss' }, '×')
  const element = h('div', { className: 'notice', role: 'alert', hidden: true }, text, close)
  const clear = () => {
    element.hidden = true
    text.textContent = ''
  }
  close.onclick = clear
  return {
    element,
    show: (message, tone = 'error') => {
      text.textContent = message
      element.dataset.tone = tone
      element.hidden = false
    },
    clear,
  }
}
