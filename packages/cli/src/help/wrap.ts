/**
 * Text broken into lines of at most `width` characters at spaces, never inside a word: a word
 * longer than the line (a URL) stands alone on its line instead.
 *
 * @example
 * wrap('Server URL (env AGENTAPI_PROXY_URL)', 12) // ['Server URL', '(env', 'AGENTAPI_PROXY_URL)']
 */
export function wrap(text: string, width: number): string[] {
  return wrapWords(text.split(/\s+/).filter(Boolean), width)
}

/**
 * A command line broken into lines at the spaces between shell words: never inside a quoted
 * string, where a line break would change the command.
 *
 * @example
 * wrapCommand("send 1a2b 'Fix the test' --wait", 20) // ['send 1a2b', "'Fix the test' --wait"]
 */
export function wrapCommand(command: string, width: number): string[] {
  return wrapWords(command.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? [], width)
}

function wrapWords(words: readonly string[], width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line || lines.length === 0) lines.push(line)
  return lines
}

/**
 * Two columns: each term, and its description wrapped beside it. A term wider than the column
 * puts its description on the next line; a narrow terminal stacks every description under its
 * term.
 *
 * @example
 * columns([['--url URL', 'Server URL']], 80) // ['  --url URL  Server URL']
 */
export function columns(rows: readonly [string, string][], width: number): string[] {
  const indent = 2
  const gap = 2
  const termWidth = Math.min(Math.max(0, ...rows.map(([term]) => term.length)), 28)
  let left = indent + termWidth + gap
  // Below this, a description column is too narrow to read: stack instead, indented past the
  // long flags (which leave room for a short one before them).
  if (width - left < 32) left = indent + 8
  const lines: string[] = []
  for (const [term, description] of rows) {
    const text = wrap(description, width - left)
    const head = ' '.repeat(indent) + term
    if (head.length + gap <= left) {
      lines.push(`${head.padEnd(left)}${text[0]}`.trimEnd())
      text.shift()
    } else {
      lines.push(head)
    }
    for (const line of text) lines.push(' '.repeat(left) + line)
  }
  return lines
}
