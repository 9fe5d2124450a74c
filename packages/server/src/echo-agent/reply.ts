/**
 * What the echo agent answers, and how the answer grows on screen. agentapi re-sends the whole
 * agent message on every change (never a delta), so a reply is a list of growing prefixes: first
 * `Echo: `, then the echoed text word group by word group, as agentapi streams an agent's reply.
 */

const PREFIX = 'Echo: '

/** The growing states of the agent message that answers `content`; the last one is complete. */
export function replyUpdates(content: string, updates: number, termWidth: number): string[] {
  if (updates <= 1) return [wrap(PREFIX + content, termWidth)]
  const words = content.match(/\S+\s*/g) ?? []
  const groups = Math.max(1, Math.min(updates - 1, words.length))
  const states = [PREFIX]
  for (let group = 1; group <= groups; group++) {
    const end = group === groups ? words.length : Math.round((words.length * group) / groups)
    states.push(PREFIX + (group === groups ? content : words.slice(0, end).join('')))
  }
  return states.map((state) => wrap(state, termWidth))
}

/** Agent messages are terminal text, hard-wrapped at the terminal width (`--term-width`). */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const chars = [...line]
      if (chars.length <= width) return [line]
      const rows: string[] = []
      for (let at = 0; at < chars.length; at += width)
        rows.push(chars.slice(at, at + width).join(''))
      return rows
    })
    .join('\n')
}
