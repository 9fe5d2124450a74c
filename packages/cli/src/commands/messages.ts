import type { AgentMessage, Client } from '@agentapi-proxy/client'
import { CliError } from '../cli-error.ts'
import type { ConnectionOptions } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { note, printJson, printLine } from '../output.ts'
import { Progress } from '../progress.ts'
import { onSession } from '../session-id.ts'
import { readStdin } from '../stdin-text.ts'
import { formatMessage } from '../transcript.ts'

// Most sends find the agent idle at once: only a longer wait is worth a word.
const IDLE_AFTER_MS = 300

/**
 * Flags of `agentapi-proxy send`.
 *
 * @example
 * const options: SendOptions = { wait: true, timeout: 120 }
 */
export interface SendOptions extends ConnectionOptions {
  /** Type the text into the agent's terminal as is (keys such as Esc), not as a message. */
  raw?: boolean | undefined
  /** Wait for the reply to finish and print it. */
  wait?: boolean | undefined
  /** Seconds to wait for the agent to be ready, and for the reply with `wait` (120). */
  timeout?: number | undefined
}

/**
 * Sends a user message (the words joined by spaces, or all of stdin for `-`). agentapi takes
 * messages only from an idle agent, so it first waits for the agent to be `stable`.
 *
 * @example
 * await sendCommand('1a2b3c4d', ['Fix', 'the', 'flaky', 'test'], { wait: true })
 */
export async function sendCommand(
  id: string,
  words: readonly string[],
  options: SendOptions,
): Promise<void> {
  const content = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ')
  if (content.trim() === '') {
    throw new CliError(
      'nothing to send',
      'give the message as arguments, or - to read stdin',
      ExitCode.usage,
    )
  }
  const timeout = (options.timeout ?? 120) * 1000
  await onSession(options, id, async (client, full) => {
    if (!options.raw) {
      const idle = new Progress()
      idle.start(`Waiting for session ${full.slice(0, 8)} to be idle`, { afterMs: IDLE_AFTER_MS })
      await untilStable(client, full, timeout).finally(() => idle.stop())
    }
    if (!options.wait || options.raw) {
      const sent = await client.sendMessage(full, content, options.raw ? 'raw' : 'user')
      if (options.json) printJson(sent)
      return
    }
    // The reply to this message, not the last message once the agent is next stable (which can
    // come before the agent has taken the message in).
    const progress = new Progress()
    progress.start(`Waiting for the reply of session ${full.slice(0, 8)}`)
    const reply = await client
      .ask(full, content, { timeout, reconnect: { attempts: 3 } })
      .catch((error: unknown) => {
        progress.stop()
        if (!(error instanceof Error && error.name === 'TimeoutError')) throw error
        throw new CliError(
          `session ${full} did not reply within ${timeout / 1000} s`,
          'wait longer with --timeout, or see agentapi-proxy messages',
          ExitCode.error,
        )
      })
    progress.stop()
    if (options.json) return printJson(reply)
    printLine(reply.content.replace(/\s+$/, ''))
  })
}

/**
 * Prints a session's conversation, oldest first: who, when, and what (`--json`: as agentapi
 * answers it).
 *
 * @example
 * await messagesCommand('1a2b3c4d', {})
 */
export async function messagesCommand(id: string, options: ConnectionOptions): Promise<void> {
  const { messages } = await onSession(options, id, async (client, full) => {
    const answer = await client.messages(full)
    if (options.json) printJson(answer)
    return answer
  })
  if (options.json) return
  if (messages.length === 0) note('No messages yet.')
  else printLine(messages.map((m: AgentMessage) => formatMessage(m)).join('\n\n'))
}

/**
 * Prints what the agent is doing: `running` or `stable` (waiting for input).
 *
 * @example
 * await statusCommand('1a2b3c4d', { json: true })
 */
export async function statusCommand(id: string, options: ConnectionOptions): Promise<void> {
  const status = await onSession(options, id, (client, full) => client.status(full))
  if (options.json) return printJson(status)
  printLine(status.status)
}

async function untilStable(client: Client, id: string, timeoutMs: number): Promise<void> {
  try {
    await client.waitForStatus(id, 'stable', { timeout: timeoutMs, reconnect: { attempts: 3 } })
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error
    throw new CliError(
      `the agent of session ${id} is still working after ${timeoutMs / 1000} s`,
      'wait longer with --timeout, or see agentapi-proxy messages',
      ExitCode.error,
    )
  }
}
