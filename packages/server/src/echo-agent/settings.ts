import type { ConversationTimings } from './conversation.ts'
import { DEFAULT_ALLOWED_ORIGINS, parseAllowedOrigins } from './cors.ts'
import { DEFAULT_ALLOWED_HOSTS, parseAllowedHosts } from './host-check.ts'
import type { EchoAgentLog, EchoAgentOptions } from './options.ts'

/**
 * Options with agentapi's defaults filled in and checked the way agentapi checks them at start,
 * failing with agentapi's own messages (`failed to parse agent type: invalid agent type: x`, …).
 */

/** Every setting the echo agent runs with. */
export interface Settings {
  port: number
  agentType: string
  chatBasePath: string
  allowedHosts: readonly string[]
  allowedOrigins: readonly string[]
  initialPrompt: string
  termWidth: number
  greeting: string
  timings: ConversationTimings
  neverReady: boolean
  log: EchoAgentLog
}

/** A start-up failure; agentapi prints it to stderr and exits 1. */
export class SettingsError extends Error {}

/** The echo agent of agentapi's own end-to-end tests greets with this. */
export const DEFAULT_GREETING =
  "Hello! I'm ready to help you. Please send me a message to echo back."

const DEFAULT_DELAY_MS = 500

// agentapi's type aliases (cmd/server): canonical names plus `cursor-agent` and `q`.
const AGENT_TYPES = new Map([
  ...['claude', 'goose', 'aider', 'codex', 'gemini', 'copilot', 'amp', 'cursor', 'auggie'].map(
    (type) => [type, type] as const,
  ),
  ['amazonq', 'amazonq'],
  ['opencode', 'opencode'],
  ['custom', 'custom'],
  ['cursor-agent', 'cursor'],
  ['q', 'amazonq'],
])

/** Fills in defaults and validates; throws {@link SettingsError}. */
export function resolveSettings(options: EchoAgentOptions): Settings {
  const termWidth = options.termWidth ?? 80
  if (termWidth < 10) throw new SettingsError('term width must be at least 10')
  if ((options.termHeight ?? 1000) < 10) throw new SettingsError('term height must be at least 10')
  const port = options.port ?? 3284
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(`failed to start server: listen tcp: address ${port}: invalid port`)
  }
  return {
    port,
    agentType: agentType(options.type ?? '', options.agentCommand?.[0] ?? ''),
    chatBasePath: (options.chatBasePath ?? '/chat').replace(/\/$/, ''),
    allowedHosts: allowList(
      'allowed hosts',
      parseAllowedHosts,
      options.allowedHosts ?? DEFAULT_ALLOWED_HOSTS,
    ),
    allowedOrigins: allowList(
      'allowed origins',
      parseAllowedOrigins,
      options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS,
    ),
    initialPrompt: options.initialPrompt ?? '',
    termWidth,
    greeting: options.greeting ?? DEFAULT_GREETING,
    timings: timings(options),
    neverReady: options.neverReady ?? false,
    log: options.log ?? (() => {}),
  }
}

/** An explicit type wins; otherwise the agent command's first word, exactly; otherwise custom. */
function agentType(type: string, command: string): string {
  const explicit = AGENT_TYPES.get(type)
  if (explicit !== undefined) return explicit
  if (type !== '')
    throw new SettingsError(`failed to parse agent type: invalid agent type: ${type}`)
  return AGENT_TYPES.get(command) ?? 'custom'
}

function allowList(
  what: string,
  parse: (input: readonly string[]) => string[],
  input: readonly string[],
): string[] {
  try {
    return parse(input)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new SettingsError(`failed to create server: failed to parse ${what}: ${reason}`)
  }
}

function timings(options: EchoAgentOptions): ConversationTimings {
  const delay = milliseconds('delayMs', options.delayMs ?? DEFAULT_DELAY_MS)
  const chunks = options.chunks ?? 3
  if (!Number.isInteger(chunks) || chunks < 1)
    throw new SettingsError('echo chunks must be at least 1')
  return {
    startupMs: milliseconds('startupMs', options.startupMs ?? delay),
    ackMs: milliseconds('ackMs', options.ackMs ?? delay),
    chunkIntervalMs: milliseconds('chunkIntervalMs', options.chunkIntervalMs ?? delay),
    settleMs: milliseconds('settleMs', options.settleMs ?? delay),
    chunks,
  }
}

function milliseconds(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new SettingsError(`echo ${name} must be a number ≥ 0`)
  return value
}
