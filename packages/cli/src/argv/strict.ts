import type { ArgsDef, CommandDef, CommandMeta } from 'citty'
import { CliError } from '../cli-error.ts'
import { ExitCode } from '../exit-codes.ts'
import { globalOptions } from './global-options.ts'

const OWN_PARSER = new Set(['echo-agent'])

/** The command the arguments name, its path, and the arguments that follow it. */
interface Resolved {
  path: string[]
  command: CommandDef
  rest: string[]
}

/**
 * What citty does not do: refuse an option the command does not have (citty ignores it, so
 * `list --stauts active` listed everything) and take the global options before the verb
 * (`agentapi-proxy --url … list`). Errors name the option, never a value: what follows a flag
 * may be an API key. Returns the arguments citty should run.
 *
 * @example
 * strictArgs(main, ['--url', 'http://x', 'list', '--json']) // ['list', '--url', 'http://x', '--json']
 */
export function strictArgs(main: CommandDef, rawArgs: string[]): string[] {
  const end = rawArgs.indexOf('--')
  const options = end < 0 ? rawArgs : rawArgs.slice(0, end)
  const passThrough = end < 0 ? [] : rawArgs.slice(end)
  const { leading, verbs } = hoistGlobals(options)
  const resolved = resolve(main, verbs)
  if (resolved.path.length === 0) {
    if (verbs.length > 0 && !verbs[0]?.startsWith('-')) throw unknownCommand('agentapi-proxy')
    throw new CliError(
      'a command comes first',
      'see agentapi-proxy --help for the commands',
      ExitCode.usage,
    )
  }
  // The echo agent reads agentapi's own flags with agentapi's parser (it refuses bad ones itself).
  if (OWN_PARSER.has(resolved.path[0] as string)) return rawArgs
  const args = (resolved.command.args ?? {}) as ArgsDef
  if (resolved.command.subCommands && !resolved.command.run) {
    const first = resolved.rest[0]
    if (first !== undefined && !first.startsWith('-'))
      throw unknownCommand(['agentapi-proxy', ...resolved.path].join(' '))
  }
  checkOptions(args, resolved.rest, ['agentapi-proxy', ...resolved.path].join(' '))
  if (leading.length > 0)
    checkOptions(args, leading, ['agentapi-proxy', ...resolved.path].join(' '))
  return [...resolved.path, ...leading, ...resolved.rest, ...passThrough]
}

/** Global options (and their values) before the first verb, moved aside. */
function hoistGlobals(args: string[]): { leading: string[]; verbs: string[] } {
  const leading: string[] = []
  let i = 0
  while (i < args.length) {
    const arg = args[i] as string
    if (!arg.startsWith('--')) break
    const [name = '', inline] = arg.slice(2).split('=', 2)
    const option = (globalOptions as ArgsDef)[name]
    if (!option) break
    leading.push(arg)
    i++
    if (option.type === 'string' && inline === undefined && i < args.length)
      leading.push(args[i++] as string)
  }
  return { leading, verbs: args.slice(i) }
}

/** The names of the (sub)commands the arguments reach (options skipped), for a hint. */
export function commandPath(main: CommandDef, rawArgs: string[]): string[] {
  // Global options first (`--url http://… list --help`): their values are not verbs.
  return resolve(
    main,
    hoistGlobals(rawArgs).verbs.filter((arg) => !arg.startsWith('-')),
  ).path
}

function resolve(main: CommandDef, args: string[]): Resolved {
  const path: string[] = []
  let command = main
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i] as string
    const subCommands = (command.subCommands ?? {}) as Record<string, CommandDef>
    const entry = Object.entries(subCommands).find(
      ([name, sub]) =>
        name === arg || [(sub.meta as CommandMeta)?.alias ?? []].flat().includes(arg),
    )
    if (!entry) break
    path.push(entry[0])
    command = entry[1]
  }
  return { path, command, rest: args.slice(i) }
}

function checkOptions(args: ArgsDef, given: string[], where: string): void {
  const names = new Map<string, { type?: string }>()
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue
    names.set(name, def)
    for (const alias of [(def as { alias?: string | string[] }).alias ?? []].flat()) {
      names.set(alias, def)
    }
    // citty takes --no-<flag> for a boolean.
    if (def.type === 'boolean') names.set(`no-${name}`, def)
  }
  for (let i = 0; i < given.length; i++) {
    const arg = given[i] as string
    if (arg === '-' || !arg.startsWith('-') || /^-\d/.test(arg)) continue
    const long = arg.startsWith('--')
    const name = (long ? arg.slice(2) : arg.slice(1)).split('=', 1)[0] ?? ''
    // Short flags may be grouped (-wv): every letter must be one.
    const wanted = long ? [name] : name.length > 1 && !names.has(name) ? [...name] : [name]
    for (const one of wanted) {
      if (!names.has(one)) {
        const shown = long ? `--${one}` : `-${one}`
        throw new CliError(
          `unknown option ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown} for ${where}`,
          `see ${where} --help`,
          ExitCode.usage,
        )
      }
    }
    const def = names.get(wanted.at(-1) as string)
    // A string option's value is the next argument, unless it was given inline.
    if (def?.type === 'string' || def?.type === 'enum') {
      if (!arg.includes('=')) i++
    }
  }
}

function unknownCommand(where: string): CliError {
  // Not the word itself: a mistyped line may have put a secret where the command goes.
  return new CliError(
    `unknown command for ${where}`,
    `see ${where} --help for the commands`,
    ExitCode.usage,
  )
}
