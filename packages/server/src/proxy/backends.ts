import { Pool } from 'undici'
import { agentapiHost } from '../sessions/agent-host.ts'

/** How long the forwarder waits on an agent, in milliseconds; 0 means no limit. */
export interface ForwardTimeouts {
  /** To open a TCP connection to the agent (`proxy.connect_timeout`). */
  connectMs: number
  /**
   * From sending a request to the agent's response headers. agentapi answers `POST /message`
   * only once the agent has started working (≈18 s in the worst case), and `GET /status` blocks
   * behind it (agentapi's server-wide lock), so this is generous (`proxy.response_timeout`).
   */
  headersMs: number
  /**
   * Between two chunks of a response body that is not an event stream (`proxy.response_timeout`
   * too). An `/events` stream has none: agentapi sends no heartbeats and a quiet agent leaves it
   * silent for minutes; the caller's disconnect ends it. The exchange keeps this clock, since
   * only the response's head says which kind of body follows.
   */
  bodyMs: number
}

/** The defaults of {@link ForwardTimeouts}. */
export const DEFAULT_TIMEOUTS: Readonly<ForwardTimeouts> = Object.freeze({
  connectMs: 5_000,
  headersMs: 120_000,
  bodyMs: 120_000,
})

/** One agent's origin: its keep-alive connection pool and what to send it. */
export interface Backend {
  pool: Pool
  /** The `Host` header agentapi's default Host check accepts for this origin. */
  host: string
  /** Path of the base URL, prepended to every forwarded path ('' for a bare origin). */
  basePath: string
}

/**
 * One undici `Pool` per agent base URL, created on first use and kept, so connections to an
 * agent are reused across requests and callers (keep-alive).
 */
export class BackendPools {
  #backends = new Map<string, Backend>()
  #timeouts: Readonly<ForwardTimeouts>

  constructor(timeouts: Readonly<ForwardTimeouts>) {
    this.#timeouts = timeouts
  }

  /** How long a response body that is not an event stream may stall; 0 means no limit. */
  get bodyStallMs(): number {
    return this.#timeouts.bodyMs
  }

  /** The backend for a session's base URL (`http://127.0.0.1:9003`). */
  get(baseUrl: string): Backend {
    return this.#backends.get(baseUrl) ?? this.#create(baseUrl)
  }

  /**
   * Forgets the pool of an agent that went away; requests still in flight on it finish. The
   * next request to the same URL (a new session on a reused port) gets a fresh pool.
   */
  drop(baseUrl: string): void {
    const backend = this.#backends.get(baseUrl)
    if (!backend) return
    this.#backends.delete(baseUrl)
    backend.pool.close().catch(() => {})
  }

  /** Destroys every pool, aborting what is in flight (server shutdown). */
  async close(): Promise<void> {
    const pools = [...this.#backends.values()].map((backend) => backend.pool)
    this.#backends.clear()
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => {})))
  }

  /** Number of agent origins with a pool (for tests and metrics). */
  get size(): number {
    return this.#backends.size
  }

  #create(baseUrl: string): Backend {
    const url = new URL(baseUrl)
    const { connectMs, headersMs } = this.#timeouts
    // undici's body timeout would cut `/events` streams too: the exchange times bodies itself.
    const pool = new Pool(url.origin, {
      connectTimeout: connectMs,
      headersTimeout: headersMs,
      bodyTimeout: 0,
    })
    const backend = { pool, host: agentapiHost(url), basePath: url.pathname.replace(/\/+$/, '') }
    this.#backends.set(baseUrl, backend)
    return backend
  }
}
