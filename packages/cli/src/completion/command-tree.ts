import type { ArgDef, ArgsDef, CommandDef, CommandMeta } from 'citty'
import { choicesOf } from '../argv/choices.ts'
import { globalOptions } from '../argv/global-options.ts'

// biome-ignore lint/suspicious/noExplicitAny: citty's commands are generic in their arguments
type AnyCommand = CommandDef<any>

/**
 * One option as a shell completes it.
 *
 * @example
 * const option: OptionSpec = { flags: ['-n', '--tail'], takesValue: true, description: 'Last N lines' }
 */
export interface OptionSpec {
  /** Every spelling: `--tail`, `-n`, and `--no-wait` for a boolean that defaults to true. */
  flags: string[]
  takesValue: boolean
  /** Fixed values (`--status`), when the option has them. */
  choices?: readonly string[]
  /** The value is a file name (`--config FILE`). */
  files?: boolean
  description: string
}

/**
 * A command as a shell completes it, built from the definitions the argument parser runs.
 *
 * @example
 * commandTree(root).subcommands.map((c) => c.name) // ['server', 'start', …]
 */
export interface CommandSpec {
  /** Canonical names from the root: `['keys', 'revoke']`; `[]` for the root. */
  path: string[]
  name: string
  aliases: string[]
  description: string
  options: OptionSpec[]
  subcommands: CommandSpec[]
  /** What the first positional argument may be, when it is a fixed list (`completion bash`). */
  positionalChoices: readonly string[]
}

const HELP: OptionSpec = { flags: ['-h', '--help'], takesValue: false, description: 'Show help' }
const VERSION: OptionSpec = {
  flags: ['-V', '--version'],
  takesValue: false,
  description: 'Print the version',
}

/**
 * The command tree under `command`: names, aliases, options and subcommands.
 *
 * @example
 * const tree = commandTree(root)
 */
export function commandTree(command: AnyCommand, path: string[] = []): CommandSpec {
  const meta = (command.meta ?? {}) as CommandMeta
  // The global options go before the verb too (`agentapi-proxy --url … list`).
  const args = Object.entries((path.length === 0 ? globalOptions : (command.args ?? {})) as ArgsDef)
  const positional = args.find(([, def]) => def.type === 'positional')?.[1]
  const subcommands = Object.entries((command.subCommands ?? {}) as Record<string, AnyCommand>)
  return {
    path,
    name: path.at(-1) ?? meta.name ?? '',
    aliases: [meta.alias ?? []].flat(),
    description: meta.description ?? '',
    options: [
      ...args.filter(([, def]) => def.type !== 'positional').map(optionSpec),
      HELP,
      ...(path.length === 0 ? [VERSION] : []),
    ],
    subcommands: subcommands.map(([name, sub]) => commandTree(sub, [...path, name])),
    positionalChoices: (positional && choicesOf(positional)) ?? [],
  }
}

/**
 * Every command of the tree, the root first, depth first.
 *
 * @example
 * for (const command of allCommands(commandTree(root))) console.log(command.path.join(' '))
 */
export function allCommands(tree: CommandSpec): CommandSpec[] {
  return [tree, ...tree.subcommands.flatMap(allCommands)]
}

function optionSpec([key, def]: [string, ArgDef]): OptionSpec {
  const alias = [(def as { alias?: string | string[] }).alias ?? []].flat()
  const flags = [`--${key}`, ...alias.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))]
  if (def.type === 'boolean' && def.default === true) flags.push(`--no-${key}`)
  const choices = choicesOf(def)
  return {
    flags,
    takesValue: def.type === 'string' || def.type === 'enum',
    ...(choices ? { choices } : {}),
    ...(def.valueHint === 'FILE' ? { files: true } : {}),
    description: def.description ?? '',
  }
}
