import { CliError } from './cli-error.ts'
import { ExitCode } from './exit-codes.ts'

/**
 * Every value of a repeatable option, in order (`--tag a=1 --tag=b=2`). citty keeps only the
 * last one, so the raw arguments are read again; `--` ends the options.
 *
 * @example
 * repeated(['--tag', 'a=1', '--tag=b=2'], 'tag') // ['a=1', 'b=2']
 */
export function repeated(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string
    if (arg === '--') break
    if (arg === `--${name}` && i + 1 < rawArgs.length) values.push(rawArgs[++i] as string)
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3))
  }
  return values
}

/**
 * `KEY=VALUE` pairs as a record; the value may itself hold `=`. A pair without `=` or with an
 * empty key is a usage error that names the option.
 *
 * @example
 * keyValues(['team=infra', 'url=a=b'], '--tag') // { team: 'infra', url: 'a=b' }
 */
export function keyValues(pairs: readonly string[], option: string): Record<string, string> {
  const record: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at < 1) {
      throw new CliError(
        `${option} takes KEY=VALUE, not "${pair}"`,
        `e.g. ${option} team=infra`,
        ExitCode.usage,
      )
    }
    record[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return record
}
