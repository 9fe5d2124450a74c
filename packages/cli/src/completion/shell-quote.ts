/**
 * A string as one single-quoted shell word (bash, zsh and fish read it alike).
 *
 * @example
 * singleQuoted("it's") // 'it'\''s' (bash, zsh); fish reads \' inside quotes
 */
export function singleQuoted(text: string, shell: 'posix' | 'fish' = 'posix'): string {
  if (shell === 'fish') return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`
  return `'${text.replace(/'/g, `'\\''`)}'`
}
