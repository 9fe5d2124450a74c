/**
 * An error the CLI prints as one line (plus what to do next) before exiting with `exitCode`.
 *
 * @example
 * throw new CliError('config.json: port must be a number', 'Fix the file and run again', 2)
 */
export class CliError extends Error {
  readonly hint: string | undefined
  readonly exitCode: number

  constructor(message: string, hint?: string, exitCode = 1) {
    super(message)
    this.name = 'CliError'
    this.hint = hint
    this.exitCode = exitCode
  }
}
