/** What an element may contain; null, undefined and false are left out, for `cond && node`. */
export type Child = Node | string | null | undefined | false

/** The element's writable properties: `className`, `textContent`, `type`, `onclick`, `role`… */
export type Props<K extends keyof HTMLElementTagNameMap> = Partial<HTMLElementTagNameMap[K]>

/**
 * Creates an element, sets its properties and appends its children.
 *
 * @example
 * h('button', { type: 'submit', className: 'primary' }, 'Start session')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<K> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  Object.assign(element, props)
  element.append(
    ...children.filter((child) => child !== null && child !== undefined && child !== false),
  )
  return element
}

/** Something on screen that may hold timers or streams to stop when it goes away. */
export interface View {
  element: HTMLElement
  dispose(): void
}
