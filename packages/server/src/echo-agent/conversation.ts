import { setTimeout as delay } from 'node:timers/promises'
import { goTimestamp } from './clock.ts'
import { replyUpdates } from './reply.ts'

/**
 * The echo agent's one conversation: its messages and its `running`/`stable` status, moved
 * through the transitions agentapi shows for a PTY (terminal) agent. No HTTP
 * here; every change is reported through `onEvent` in the order agentapi emits it.
 */

/** `running` while the agent starts, works or settles; `stable` while it waits for input. */
export type AgentStatus = 'running' | 'stable'

/** Who wrote a message. agentapi has no system or tool role. */
export type ConversationRole = 'user' | 'agent'

/** A message of the conversation; its id is its index. Keys in agentapi's `/messages` order. */
export interface Message {
  readonly id: number
  readonly content: string
  readonly role: ConversationRole
  readonly time: string
}

/** A change, reported as it happens. `exit` means the agent process ended. */
export type ConversationEvent =
  | { type: 'message_update'; message: Message }
  | { type: 'status_change'; status: AgentStatus }
  | { type: 'exit' }

/** How long each phase lasts, in milliseconds, and how many updates a reply takes. */
export interface ConversationTimings {
  /** From start until the agent is ready (stable, or sending the initial prompt). */
  startupMs: number
  /** From a user message until the agent visibly starts working and the POST is answered. */
  ackMs: number
  /** Between two updates of a streaming reply. */
  chunkIntervalMs: number
  /** From the last reply update until the status returns to stable. */
  settleMs: number
  /** How many message_update events a reply takes (the first one is `Echo: `). */
  chunks: number
}

/** What a conversation needs; see `EchoAgentOptions` for what each knob means to a user. */
export interface ConversationOptions {
  greeting: string
  initialPrompt: string
  neverReady: boolean
  termWidth: number
  timings: ConversationTimings
  onEvent(event: ConversationEvent): void
  onInitialPromptSent?(): void
}

/** Why a user message was refused, in agentapi's words (without `failed to send message: `). */
export class SendError extends Error {}

/** The user message that makes the echo agent exit, as Claude Code's `/exit` does. */
export const EXIT_COMMAND = '/exit'

// agentapi's first snapshot (25 ms after start) fills message 0 with the startup screen.
const FIRST_SNAPSHOT_MS = 25

export class Conversation {
  #options: ConversationOptions
  #messages: Message[] = []
  #status: AgentStatus = 'running'
  #streaming = false
  #interrupted = false
  #stopped = new AbortController()

  constructor(options: ConversationOptions) {
    this.#options = options
    // A PTY conversation always starts with an empty agent message #0.
    this.#messages.push({ id: 0, content: '', role: 'agent', time: goTimestamp() })
  }

  get status(): AgentStatus {
    return this.#status
  }

  get messages(): readonly Message[] {
    return this.#messages
  }

  /** Shows the greeting, then becomes ready (or sends the initial prompt) after `startupMs`. */
  start(): void {
    this.#background(this.#boot())
  }

  /** Records a user message and starts the reply; resolves once the agent began working. */
  async sendUser(raw: string): Promise<void> {
    const content = trimSpace(raw)
    if (content === '') throw new SendError('message must not be empty')
    if (this.#status !== 'stable') {
      throw new SendError('message can only be sent when the agent is waiting for user input')
    }
    await this.#beginTurn(content)
    this.#background(this.#reply(content))
  }

  /** Keystrokes: never recorded. Esc while a reply streams interrupts it, as in a real TUI. */
  sendRaw(content: string): void {
    if (content === '\x1b' && this.#streaming) this.#interrupted = true
  }

  /** Cancels every pending phase; nothing changes any more. */
  stop(): void {
    this.#stopped.abort()
  }

  async #boot(): Promise<void> {
    const { startupMs } = this.#options.timings
    const greetingMs = Math.min(FIRST_SNAPSHOT_MS, startupMs)
    await this.#sleep(greetingMs)
    this.#updateLast(this.#options.greeting)
    await this.#sleep(startupMs - greetingMs)
    if (this.#options.neverReady) return
    const prompt = trimSpace(this.#options.initialPrompt)
    if (prompt === '') return this.#setStatus('stable')
    // Status stays running from start to the end of the first reply (agentapi ≥ 0.11.2).
    await this.#beginTurn(prompt)
    this.#options.onInitialPromptSent?.()
    await this.#reply(prompt)
  }

  async #beginTurn(content: string): Promise<void> {
    const startedAt = goTimestamp()
    this.#setStatus('running')
    await this.#sleep(this.#options.timings.ackMs)
    this.#append('user', content, startedAt)
  }

  async #reply(content: string): Promise<void> {
    const { chunkIntervalMs, chunks, settleMs } = this.#options.timings
    if (content === EXIT_COMMAND) {
      await this.#sleep(chunkIntervalMs)
      return this.#options.onEvent({ type: 'exit' })
    }
    this.#streaming = true
    this.#interrupted = false
    for (const [index, text] of replyUpdates(content, chunks, this.#options.termWidth).entries()) {
      if (index === 0) {
        this.#append('agent', text)
        continue
      }
      await this.#sleep(chunkIntervalMs)
      if (this.#interrupted) break
      this.#updateLast(text)
    }
    this.#streaming = false
    await this.#sleep(settleMs)
    this.#setStatus('stable')
  }

  #append(role: ConversationRole, content: string, time = goTimestamp()): void {
    const message = { id: this.#messages.length, content, role, time }
    this.#messages.push(message)
    this.#options.onEvent({ type: 'message_update', message })
  }

  #updateLast(content: string): void {
    const last = this.#messages.at(-1)
    if (last === undefined) return
    const message = { ...last, content, time: goTimestamp() }
    this.#messages[message.id] = message
    this.#options.onEvent({ type: 'message_update', message })
  }

  #setStatus(status: AgentStatus): void {
    if (this.#status === status) return
    this.#status = status
    this.#options.onEvent({ type: 'status_change', status })
  }

  #sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.#stopped.signal })
  }

  #background(task: Promise<void>): void {
    // Only a stop interrupts a phase; its AbortError means "nothing more to do".
    task.catch((error: unknown) => {
      if (!this.#stopped.signal.aborted) throw error
    })
  }
}

/** agentapi trims these six characters (and only these) off a user message. */
function trimSpace(text: string): string {
  return text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '')
}
