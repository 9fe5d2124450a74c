import type { AgentEvent, AgentMessages, AgentStatusResponse } from '@agentapi-proxy/shared'
import type { ClientOptions } from './client.ts'
import { type ConversationState, followConversation } from './conversation.ts'
import { agentEvents, type EventsOptions } from './events.ts'
import { segment, Transport } from './transport.ts'

/**
 * A session read through a share link: no credentials, reading only.
 *
 * @example
 * const shared = openSharedSession('https://agents.example.com/s/aas_…/')
 * for await (const { messages } of shared.conversation()) render(messages)
 */
export interface SharedSession {
  /** `GET /s/{token}/status`. */
  status(): Promise<AgentStatusResponse>
  /** `GET /s/{token}/messages`. */
  messages(): Promise<AgentMessages>
  /** `GET /s/{token}/events`, typed and reconnecting, as `client.events()`. */
  events(options?: EventsOptions): AsyncGenerator<AgentEvent, void, undefined>
  /** The events folded into conversation snapshots, as `client.conversation()`. */
  conversation(options?: EventsOptions): AsyncGenerator<ConversationState, void, undefined>
}

/** How to reach a share link: transport options, never credentials (none are sent). */
export type SharedSessionOptions = Pick<ClientOptions, 'fetch' | 'timeout' | 'retry' | 'headers'>

// `…/s/<token>` with an optional trailing slash: what POST /sessions/{id}/share answers as `url`.
const LINK = /^(.*\/s\/)([A-Za-z0-9_-]+)\/?$/

/**
 * Reads a session through its share link (`url` from `createShare`), or through a server URL
 * and a token. Errors are {@link ApiError}s: `share_not_found` (404) for an unknown or revoked
 * link, `share_expired` (410), `forbidden` (403) for anything but reading.
 *
 * @example
 * const shared = openSharedSession(link)
 * const { messages } = await shared.messages()
 * const same = openSharedSession({ baseUrl: 'https://agents.example.com', token: 'aas_…' })
 */
export function openSharedSession(
  link: string | URL | { baseUrl: string | URL; token: string },
  options: SharedSessionOptions = {},
): SharedSession {
  const { prefix, token } = parseLink(link)
  // The token is the path segment after `s/`: agentapi's routes sit under it as under a session id.
  const transport = new Transport({ ...options, baseUrl: prefix })
  const id = segment(token)
  return {
    status: () => transport.json<AgentStatusResponse>('GET', `${id}/status`),
    messages: () => transport.json<AgentMessages>('GET', `${id}/messages`),
    events: (eventOptions) => agentEvents(transport, token, eventOptions),
    conversation: (eventOptions) => followConversation(transport, token, eventOptions),
  }
}

function parseLink(link: string | URL | { baseUrl: string | URL; token: string }) {
  if (typeof link === 'object' && 'token' in link) {
    return { prefix: `${String(link.baseUrl).replace(/\/*$/, '')}/s/`, token: link.token }
  }
  const url = new URL(String(link))
  const match = LINK.exec(url.origin + url.pathname)
  if (!match?.[1] || !match[2]) {
    throw new TypeError(`${String(link)} is not a share link (…/s/<token>/)`)
  }
  return { prefix: match[1], token: match[2] }
}
