/**
 * Writes text to stdout, ending it with a newline: what a command answers (pipes read it).
 *
 * @example
 * printLine(session.session_id)
 */
export function printLine(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

/**
 * Writes a value to stdout as indented JSON, for `--json`.
 *
 * @example
 * printJson(await client.search())
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/**
 * Writes a line to stderr: progress, notes and warnings that must not end up in a pipe.
 *
 * @example
 * note('Store this key now: it is never shown again.')
 */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
}
