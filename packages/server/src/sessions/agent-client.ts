import type { AgentStatus } from '@agentapi-proxy/shared'
import { AGENT_SECRET_HEADER } from '../agent-guard/contract.ts'

/** One server-sent event from agentapi's `/events`. */
export interface AgentEvent {
  event: string
  data: unknown
}

/**
 * The few agentapi calls the session service makes itself (readiness, the first message, and
 * following `/events`). It talks to 127.0.0.1, whose Host agentapi's default check accepts,
 * with the session's secret, which the agent demands of every request.
 */
export class AgentClient {
  readonly #url: string
  readonly #headers: Record<string, string>

  constructor(url: string, secret: string | null) {
    this.#url = url
    this.#headers = secret ? { [AGENT_SECRET_HEADER]: secret } : {}
  }

  /** `GET /status` → the agent's status, or null while it does not answer. */
  async status(signal?: AbortSignal): Promise<AgentStatus> {
    try {
      const res = await fetch(`${this.#url}/status`, {
        headers: this.#headers,
        signal: signal ?? null,
      })
      if (!res.ok) return null
      const body = (await res.json()) as { status?: string }
      return body.status === 'running' || body.status === 'stable' ? body.status : null
    } catch {
      return null
    }
  }

  /** `POST /message` as the user; throws with agentapi's detail when it refuses. */
  async sendUserMessage(content: string): Promise<void> {
    const res = await fetch(`${this.#url}/message`, {
      method: 'POST',
      headers: { ...this.#headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content, type: 'user' }),
    })
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string }
      throw new Error(`agentapi answered ${res.status}: ${problem.detail ?? res.statusText}`)
    }
  }

  /** Follows `/events` until the stream ends or `signal` aborts; yields each event. */
  async *events(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const res = await fetch(`${this.#url}/events`, {
      headers: { ...this.#headers, Accept: 'text/event-stream' },
      signal,
    })
    if (!res.ok || !res.body) throw new Error(`agentapi /events answered ${res.status}`)
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        const event = parseEvent(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
        if (event) yield event
        end = buffer.indexOf('\n\n')
      }
    }
  }
}

function parseEvent(block: string): AgentEvent | null {
  let event = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim()
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
  }
  if (data.length === 0) return null
  try {
    return { event, data: JSON.parse(data.join('\n')) }
  } catch {
    return { event, data: data.join('\n') }
  }
}
