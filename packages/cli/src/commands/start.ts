import type { Client, Session, StartSessionRequest } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { keyValues } from '../key-values.ts'
import { note, printJson, printLine } from '../output.ts'
import { Progress } from '../progress.ts'
import { duration } from '../timestamps.ts'

const POLL_MS = 200

/**
 * Flags of `agentapi-proxy start`.
 *
 * @example
 * const options: StartOptions = { tags: ['team=infra'], message: 'Fix the flaky test' }
 */
export interface StartOptions extends ConnectionOptions {
  /** `KEY=VALUE` labels (`--tag`, repeatable). */
  tags?: string[]
  /** `KEY=VALUE` environment for the agent (`--env`, repeatable). */
  env?: string[]
  message?: string | undefined
  repository?: string | undefined
  agent?: string | undefined
  user?: string | undefined
  /** `false` (`--no-wait`): print the id at once, while the session still starts. */
  wait?: boolean
  /** Seconds to wait for `active` (300). */
  timeout?: number
}

/**
 * Starts a session and waits, with a spinner on stderr, until it is `active`; then prints its
 * id on stdout (the session with `--json`). A session that fails shows its error and last log
 * lines and ends in a CliError.
 *
 * @example
 * await startCommand({ tags: ['team=infra'], message: 'hello' })
 */
export async function startCommand(options: StartOptions): Promise<void> {
  const { client, url } = connect(options)
  const body = requestOf(options)
  const progress = new Progress()
  let session: Session
  try {
    session = await client.start(body)
  } catch (error) {
    throw explainFailure(error, { url })
  }
  const id = session.session_id
  if (options.wait !== false && session.status === 'starting') {
    progress.start(`Starting session ${id.slice(0, 8)}`)
    try {
      session = await untilStarted(client, id, (options.timeout ?? 300) * 1000)
    } catch (error) {
      progress.fail(`Session ${id.slice(0, 8)} did not start`)
      throw explainFailure(error, { url, subject: { kind: 'session', id } })
    }
    if (session.status !== 'active') {
      progress.fail(`Session ${id} ${session.status} after ${duration(progress.elapsed)}`)
      throw failure(session)
    }
    progress.succeed(`Session ${id} is active (${duration(progress.elapsed)})`)
  }
  if (options.json) printJson(session)
  else printLine(id)
}

function requestOf(options: StartOptions): StartSessionRequest {
  const tags = keyValues(options.tags ?? [], '--tag')
  const environment = keyValues(options.env ?? [], '--env')
  return {
    ...(options.user ? { user_id: options.user } : {}),
    ...(Object.keys(environment).length ? { environment } : {}),
    ...(Object.keys(tags).length ? { tags } : {}),
    ...(options.message ? { message: options.message } : {}),
    ...(options.repository ? { repository: options.repository } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
  }
}

async function untilStarted(client: Client, id: string, timeoutMs: number): Promise<Session> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const session = await client.getSession(id)
    if (session.status !== 'starting') return session
    if (Date.now() > deadline) {
      throw new CliError(
        `session ${id} is still starting after ${duration(timeoutMs)}`,
        `see agentapi-proxy logs ${id}, or wait longer with --timeout`,
        ExitCode.error,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

function failure(session: Session): CliError {
  const id = session.session_id
  if (session.log_tail.length > 0) {
    note(`Last log lines of session ${id}:`)
    for (const line of session.log_tail) note(`  ${line}`)
  }
  const exit = session.exit_code === null ? '' : ` (exit code ${session.exit_code})`
  const reason = session.error ? `: ${session.error}` : ''
  return new CliError(
    `session ${id} ${session.status}${exit}${reason}`.replace(/\s*\n\s*/g, ' '),
    `see agentapi-proxy logs ${id}`,
    ExitCode.error,
  )
}
