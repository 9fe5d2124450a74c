import type { ArgDef } from 'citty'
import { CliError } from '../cli-error.ts'
import { ExitCode } from '../exit-codes.ts'

// Keyed by the option's definition object, so the values stay beside the option they belong to.
const CHOICES = new WeakMap<object, readonly string[]>()

/**
 * Marks a string option as taking values from a fixed list (comma-separated when `list`), for
 * completion and help; citty's own `enum` type takes one value only.
 *
 * @example
 * const status = withChoices({ type: 'string', description: 'Status' }, ['active', 'failed'])
 */
export function withChoices<T extends ArgDef>(def: T, choices: readonly string[]): T {
  CHOICES.set(def, choices)
  return def
}

/**
 * The values an option takes, when they are a fixed list: an `enum`'s options, or those given
 * to {@link withChoices}.
 *
 * @example
 * choicesOf(list.args.status) // ['starting', 'active', …]
 */
export function choicesOf(def: ArgDef): readonly string[] | undefined {
  if (def.type === 'enum') return def.options
  return CHOICES.get(def)
}

/**
 * A comma-separated list of values, each one of `choices`; undefined when the flag was not given.
 * The error names the flag and the choices, not what was typed.
 *
 * @example
 * choiceList('active,failed', '--status', STATUSES) // ['active', 'failed']
 */
export function choiceList<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined
  const names = [...new Set(value.split(',').map((name) => name.trim()))]
  if (names.every((name): name is T => (choices as readonly string[]).includes(name))) return names
  throw new CliError(
    `${flag} takes ${choices.join(', ')} (several comma-separated)`,
    `e.g. ${flag} ${choices.slice(0, 2).join(',')}`,
    ExitCode.usage,
  )
}
