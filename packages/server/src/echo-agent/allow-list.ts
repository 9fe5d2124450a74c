/**
 * The checks agentapi runs on both of its allow-lists (`--allowed-hosts`, `--allowed-origins`)
 * before it looks at the items: not empty, and no item with whitespace or a comma — flags split
 * on commas and the env vars on spaces, so either inside an item is a user error. Returns true
 * for a wildcard list (`*` anywhere), which admits everything. Throws with agentapi's message.
 */
export function isWildcardAllowList(input: readonly string[]): boolean {
  if (input.length === 0) throw new Error('the list must not be empty')
  if (input.includes('*')) return true
  for (const item of input) {
    if (/\s/.test(item))
      throw new Error(`'${item}' contains whitespace characters, which are not allowed`)
    if (item.includes(','))
      throw new Error(`'${item}' contains comma characters, which are not allowed`)
  }
  return false
}
