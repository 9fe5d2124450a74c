import type { CommandDef } from 'citty'

// Keyed by the command's definition, so each command's examples sit where it is defined.
// biome-ignore lint/suspicious/noExplicitAny: citty's commands are generic in their arguments
const EXAMPLES = new WeakMap<CommandDef<any>, readonly string[]>()

/**
 * Gives a command the invocations its help shows under EXAMPLES: real command lines, with a
 * `# comment` after one when it needs saying what it does.
 *
 * @example
 * export const list = withExamples(defineCommand({ … }), ['agentapi-proxy list --all'])
 */
// biome-ignore lint/suspicious/noExplicitAny: as above
export function withExamples<T extends CommandDef<any>>(command: T, examples: string[]): T {
  EXAMPLES.set(command, examples)
  return command
}

/**
 * The examples of a command; none when it has no {@link withExamples}.
 *
 * @example
 * examplesOf(list) // ['agentapi-proxy list --all', …]
 */
// biome-ignore lint/suspicious/noExplicitAny: as above
export function examplesOf(command: CommandDef<any>): readonly string[] {
  return EXAMPLES.get(command) ?? []
}
