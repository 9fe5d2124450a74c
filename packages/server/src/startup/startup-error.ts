/**
 * A reason the server cannot start that the operator can fix: a busy port, a data path under a
 * file, an unreachable database, a bad key. `message` names the problem, `hint` what to do next;
 * the CLI prints both on one line and exits 2, without a stack (a stack is for bugs).
 *
 * @example
 * throw new StartupError('port 8080 is in use on 127.0.0.1', 'stop the other process or pass --port')
 */
export class StartupError extends Error {
  readonly hint: string

  constructor(message: string, hint: string) {
    super(message)
    this.name = 'StartupError'
    this.hint = hint
  }
}

/** The errno code of a Node.js system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined
  return typeof code === 'string' ? code : undefined
}
