import type { AgentMessage, AgentStatus } from '@agentapi-proxy/shared'
import { request } from 'undici'
import { AGENT_SECRET_HEADER } from '../agent-guard/contract.ts'
import { agentapiHost } from './agent-host.ts'

/** One server-sent event from agentapi's `/events`. */
export interface AgentEvent {
  event: string
  data: unknown
}

/**
 * The few agentapi calls the session service makes itself (readiness, the first message, and
 * following `/events`), with a Host agentapi's default check accepts wherever the agent is (a
 * pod, another machine) and the session's secret, which the agent demands of every request.
 * undici's `request`, not fetch: fetch does not let a caller set Host.
 */
export class AgentClient {
  readonly #url: string
  readonly #headers: Record<string, string>

  constructor(url: string, secret: string | null) {
    this.#url = url
    this.#headers = {
      host: agentapiHost(new URL(url)),
      ...(secret ? { [AGENT_SECRET_HEADER]: secret } : {}),
    }
  }

  /** `GET /status` → the agent's status, or null while it does not answer. */
  async status(signal?: AbortSignal): Promise<AgentStatus> {
    try {
      const res = await request(`${this.#url}/status`, {
        headers: this.#headers,
        ...(signal ? { signal } : {}),
      })
      if (res.statusCode !== 200) {
        await res.body.dump()
        return null
      }
      const body = (await res.body.json()) as { status?: string }
      return body.status === 'running' || body.status === 'stable' ? body.status : null
    } catch {
      return null
    }
  }

  /** `GET /messages`: the whole conversation, oldest first. */
  async messages(signal?: AbortSignal): Promise<AgentMessage[]> {
    const res = await request(`${this.#url}/messages`, {
      headers: this.#headers,
      ...(signal ? { signal } : {}),
    })
    if (res.statusCode !== 200) {
      await res.body.dump()
      throw new Error(`agentapi /messages answered ${res.statusCode}`)
    }
    return ((await res.body.json()) as { messages: AgentMessage[] }).messages
  }

  /** `POST /message` as the user; throws with agentapi's detail when it refuses. */
  async sendUserMessage(content: string, signal?: AbortSignal): Promise<void> {
    const res = await request(`${this.#url}/message`, {
      method: 'POST',
      headers: { ...this.#headers, 'content-type': 'application/json' },
      body: JSON.stringify({ content, type: 'user' }),
      ...(signal ? { signal } : {}),
    })
    if (res.statusCode < 200 || res.statusCode > 299) {
      const problem = (await res.body.json().catch(() => ({}))) as { detail?: string }
      throw new Error(`agentapi answered ${res.statusCode}: ${problem.detail ?? 'no detail'}`)
    }
    await res.body.dump()
  }

  /** Follows `/events` until the stream ends or `signal` aborts; yields each event. */
  async *events(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const res = await request(`${this.#url}/events`, {
      headers: { ...this.#headers, accept: 'text/event-stream' },
      signal,
      // A quiet agent sends nothing for minutes (agentapi has no heartbeats).
      bodyTimeout: 0,
    })
    if (res.statusCode !== 200) {
      await res.body.dump()
      throw new Error(`agentapi /events answered ${res.statusCode}`)
    }
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
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
