import type { ArgDef, ArgsDef, CommandDef, CommandMeta } from 'citty'
import { examplesOf } from '../argv/examples.ts'
import { columns, wrap, wrapCommand } from './wrap.ts'

// biome-ignore lint/suspicious/noExplicitAny: citty's commands are generic in their arguments
type AnyCommand = CommandDef<any>

/**
 * How help is laid out: the line width, and whether headings may be bold.
 *
 * @example
 * const layout: HelpLayout = { width: 80, colour: false }
 */
export interface HelpLayout {
  width: number
  colour: boolean
}

/**
 * The width help is wrapped to: the terminal's, else `COLUMNS`, else 80 (a pipe, a file);
 * at most 100, where lines get hard to read, and at least 40.
 *
 * @example
 * helpWidth(process.stdout, process.env) // 80 in a pipe
 */
export function helpWidth(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.COLUMNS)
  const columns =
    stream.isTTY === true && stream.columns > 0
      ? stream.columns
      : Number.isInteger(fromEnv) && fromEnv > 0
        ? fromEnv
        : 80
  return Math.max(40, Math.min(columns, 100))
}

/**
 * The help of one command: what it does, how to call it, its arguments, subcommands, options
 * and examples, every line within the layout's width.
 *
 * @example
 * process.stdout.write(renderHelp(list, ['list'], { width: 80, colour: false }))
 */
export function renderHelp(command: AnyCommand, path: string[], layout: HelpLayout): string {
  const meta = (command.meta ?? {}) as CommandMeta
  const name = ['agentapi-proxy', ...path].join(' ')
  const args = Object.entries((command.args ?? {}) as ArgsDef)
  const positionals = args.filter(([, def]) => def.type === 'positional')
  const options = args.filter(([, def]) => def.type !== 'positional')
  const subCommands = Object.entries((command.subCommands ?? {}) as Record<string, AnyCommand>)
  const heading = (text: string) => (layout.colour ? `\x1b[1m${text}\x1b[22m` : text)
  const sections: string[][] = [wrap(meta.description ?? '', layout.width)]
  sections.push([heading('USAGE'), ...usage(name, positionals, subCommands.length > 0, layout)])
  if (positionals.length > 0) {
    const rows = positionals.map(([key, def]): [string, string] => [
      key.toUpperCase(),
      def.description ?? '',
    ])
    sections.push([heading('ARGUMENTS'), ...columns(rows, layout.width)])
  }
  if (subCommands.length > 0) {
    sections.push([heading('COMMANDS'), ...columns(subCommands.map(commandRow), layout.width)])
  }
  const rows = [...options.flatMap(optionRows), ...builtInRows(path.length === 0)]
  sections.push([heading('OPTIONS'), ...columns(rows, layout.width)])
  const examples = examplesOf(command)
  if (examples.length > 0) {
    const lines = examples.flatMap((example) => exampleLines(example, layout.width))
    sections.push([heading('EXAMPLES'), ...lines])
  }
  if (subCommands.length > 0) {
    const help = ['agentapi-proxy', 'help', ...path, '<command>'].join(' ')
    sections.push(wrap(`See ${help} for a command's options.`, layout.width))
  }
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`
}

function usage(
  name: string,
  positionals: [string, ArgDef][],
  hasSubCommands: boolean,
  layout: HelpLayout,
): string[] {
  const words = [
    name,
    ...(hasSubCommands ? ['<COMMAND>'] : []),
    '[OPTIONS]',
    ...positionals.map(([key, def]) =>
      def.required === false ? `[${key.toUpperCase()}]` : `<${key.toUpperCase()}>`,
    ),
  ]
  return wrap(words.join(' '), layout.width - 2).map((line) => `  ${line}`)
}

// A long example goes on over lines ending in a backslash, so it still pastes as one command.
function exampleLines(example: string, width: number): string[] {
  const lines = wrapCommand(example, width - 6)
  return lines.map((line, i) => {
    const end = i < lines.length - 1 ? ' \\' : ''
    return `${i === 0 ? '  ' : '      '}${line}${end}`
  })
}

function commandRow([key, sub]: [string, AnyCommand]): [string, string] {
  const meta = (sub.meta ?? {}) as CommandMeta
  return [[key, ...[meta.alias ?? []].flat()].join(', '), meta.description ?? '']
}

function optionRows([key, def]: [string, ArgDef]): [string, string][] {
  const alias = [(def as { alias?: string | string[] }).alias ?? []].flat()
  const short = alias.filter((a) => a.length === 1).map((a) => `-${a}`)
  const flag = [...short, `--${key}`].join(', ')
  const value = def.type === 'boolean' ? '' : ` ${def.valueHint ?? key.toUpperCase()}`
  const term = `${short.length > 0 ? '' : '    '}${flag}${value}`
  const rows: [string, string][] = [[term, def.description ?? '']]
  if (def.type === 'boolean' && def.default === true) {
    const negative = (def as { negativeDescription?: string }).negativeDescription
    rows[0] = [term, `${def.description ?? ''} (the default)`]
    rows.push([`    --no-${key}`, negative ?? `Not ${def.description ?? key}`])
  }
  return rows
}

function builtInRows(root: boolean): [string, string][] {
  return [
    ['-h, --help', 'Show this help'],
    ...(root ? [['-V, --version', 'Print the version'] as [string, string]] : []),
  ]
}
