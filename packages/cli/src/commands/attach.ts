import { createInterface } from 'node:readline'
import type { AgentMessage, Client } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import type { ConnectionOptions } from '../connection.ts'
import { note, printLine } from '../output.ts'
import { onSession } from '../session-id.ts'
import { formatMessage, Transcript } from '../transcript.ts'

// The event stream retries a lost proxy or agent this many times in a row before giving up.
const RECONNECTS = 5

/**
 * Attaches the terminal to a session: prints the conversation so far, then each agent message
 * once it is complete (agentapi rewrites a growing message in place, so printing deltas would
 * garble it), and sends each line typed on stdin as a user message — queued until the agent is
 * idle. Ctrl-C leaves at once, EOF (Ctrl-D) once the last reply is printed; neither stops the
 * session. With `--json`, prints each complete message as one JSON line. No spinner: its
 * redrawing would erase what the user is typing on the same terminal line.
 *
 * @example
 * await attachCommand('1a2b3c4d', {})
 */
export async function attachCommand(id: string, options: ConnectionOptions): Promise<void> {
  await onSession(options, id, (client, full, { url }) =>
    new Attachment(client, full, url, options.json === true).run(),
  )
}

/** One attached terminal: the conversation printed, stdin sent, until the user leaves. */
class Attachment {
  readonly #client: Client
  readonly #id: string
  readonly #url: string
  readonly #json: boolean
  readonly #leave = new AbortController()
  readonly #transcript = new Transcript()
  #sending: Promise<void> = Promise.resolve()

  constructor(client: Client, id: string, url: string, json: boolean) {
    this.#client = client
    this.#id = id
    this.#url = url
    this.#json = json
  }

  async run(): Promise<void> {
    const onSigint = () => this.#leave.abort()
    process.on('SIGINT', onSigint)
    const lines = createInterface({ input: process.stdin, terminal: false })
    lines.on('line', (line) => this.#queue(line))
    // EOF: what was typed is sent, and its reply printed, before leaving.
    lines.on('close', () =>
      this.#then(() => this.#printSettled()).finally(() => this.#leave.abort()),
    )
    note(
      `Attached to session ${this.#id}. Type a message and press Enter; ` +
        'Ctrl-C or Ctrl-D leaves (the session keeps running).',
    )
    try {
      await this.#follow()
      note(`Detached; session ${this.#id} keeps running.`)
    } finally {
      lines.close()
      process.off('SIGINT', onSigint)
    }
  }

  async #follow(): Promise<void> {
    const states = this.#client.conversation(this.#id, {
      signal: this.#leave.signal,
      reconnect: { attempts: RECONNECTS },
      onOpen: (reconnected) => {
        if (reconnected) this.#transcript.reconnected()
      },
    })
    for await (const state of states) {
      this.#print(this.#transcript.complete(state))
    }
  }

  #print(messages: readonly AgentMessage[]): void {
    for (const message of messages) {
      printLine(this.#json ? JSON.stringify(message) : `${formatMessage(message)}\n`)
    }
  }

  #queue(line: string): void {
    const content = line.trim()
    if (!content) return
    this.#then(async () => {
      await this.#untilIdle()
      this.#transcript.sent(content)
      await this.#client.sendMessage(this.#id, content)
    })
  }

  /** Runs `step` after what is queued; its failure is reported, and the queue goes on. */
  #then(step: () => Promise<void>): Promise<void> {
    this.#sending = this.#sending.then(async () => {
      if (this.#leave.signal.aborted) return
      try {
        await step()
      } catch (error) {
        if (this.#leave.signal.aborted) return
        const subject = { kind: 'session', id: this.#id } as const
        const explained = explainFailure(error, { url: this.#url, subject })
        note(`error: ${explained instanceof Error ? explained.message : String(explained)}`)
      }
    })
    return this.#sending
  }

  // The conversation stream may lag behind: once the agent is idle, what it has not shown yet
  // is read from GET /messages.
  async #printSettled(): Promise<void> {
    await this.#untilIdle()
    this.#print(this.#transcript.settled((await this.#client.messages(this.#id)).messages))
  }

  // A stream of its own, opened now: it replays the current status first, so it cannot answer
  // with a `stable` from before the message just sent.
  async #untilIdle(): Promise<void> {
    await this.#client.waitForStatus(this.#id, 'stable', {
      signal: this.#leave.signal,
      reconnect: { attempts: RECONNECTS },
    })
  }
}
