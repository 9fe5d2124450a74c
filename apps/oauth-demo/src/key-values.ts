/**
 * Reads `key=value` entries typed into a form: one per line, or also comma-separated when
 * `commas` is set (tags; environment values may contain commas). Blank entries are skipped,
 * keys and values are trimmed. Throws, naming the entry, when one has no `=` or a key repeats.
 *
 * @example
 * parseKeyValues('team=infra, purpose=demo', { label: 'Tags', commas: true })
 * // { team: 'infra', purpose: 'demo' }
 */
export function parseKeyValues(
  text: string,
  options: { label: string; commas?: boolean },
): Record<string, string> {
  const entries = text.split(options.commas ? /[\n,]/ : /\n/)
  const result: Record<string, string> = {}
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf('=')
    const key = entry.slice(0, at).trim()
    if (at < 0 || !key) throw new Error(`${options.label}: "${entry}" is not key=value`)
    if (Object.hasOwn(result, key)) throw new Error(`${options.label}: ${key} is given twice`)
    result[key] = entry.slice(at + 1).trim()
  }
  return result
}
