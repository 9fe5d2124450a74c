import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { closeWithProblem } from './raw-problem.ts'

/** The caps {@link ConnectionGuard} holds the listener to. */
export interface ConnectionLimits {
  maxConnections: number
  /** 0: no cap per client address. */
  maxConnectionsPerIp: number
}

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown

/** One client address: how many connections it holds, and which of them are idle, oldest first. */
interface Address {
  count: number
  idle: Set<Socket>
}

interface Tracked {
  address: Address
  key: string
  inFlight: number
}

// A flood of refusals must not become a flood of log lines.
const LOG_EVERY_MS = 1000

/**
 * Caps the connections of one `node:http` server, in total and per client address. A connection
 * is idle while no request is in flight on it (not yet sent its first request, or kept alive
 * between two). At a cap the oldest idle connection under that cap is closed to make room, and
 * only when none is idle is the new one refused (503, problem+json): idle sockets, which cost the
 * holder nothing, can never lock out a caller that has a request to send — `/health` stays
 * reachable — while busy ones (a request, an SSE stream) are never cut for someone else.
 *
 * @example
 * const guard = new ConnectionGuard({ maxConnections: 4096, maxConnectionsPerIp: 256 }, logger)
 * const server = createServer(guard.wrap(listener))
 * guard.attach(server)
 */
export class ConnectionGuard {
  #limits: ConnectionLimits
  #logger: Logger
  #sockets = new Map<Socket, Tracked>()
  #addresses = new Map<string, Address>()
  #idle = new Set<Socket>()
  #refused = new WeakSet<Socket>()
  #refusals = 0
  #loggedAt = 0

  constructor(limits: ConnectionLimits, logger: Logger) {
    this.#limits = limits
    this.#logger = logger
  }

  /** Connections open now. */
  get size(): number {
    return this.#sockets.size
  }

  /** Admits or refuses each connection of `server` as it is accepted. */
  attach(server: Server): void {
    // Before node:http's own listener, so a refused socket is answered before anything else.
    server.prependListener('connection', (socket: Socket) => this.#admit(socket))
  }

  /** `listener`, with each request counted as in flight on its connection until it is answered. */
  wrap(listener: Listener): Listener {
    return (req, res) => {
      const { socket } = req
      // A refused connection may still carry a request node:http parsed: it must not run.
      if (this.#refused.has(socket)) {
        socket.destroy()
        return
      }
      this.#busy(socket)
      res.once('close', () => this.#done(socket))
      return listener(req, res)
    }
  }

  #admit(socket: Socket): void {
    const key = socket.remoteAddress ?? ''
    const address = this.#addresses.get(key) ?? { count: 0, idle: new Set<Socket>() }
    const refusal = this.#makeRoom(address)
    if (refusal) {
      this.#refuse(socket, key, refusal)
      return
    }
    this.#addresses.set(key, address)
    address.count++
    this.#sockets.set(socket, { address, key, inFlight: 0 })
    this.#markIdle(socket, address)
    socket.once('close', () => this.#forget(socket))
  }

  /** Evicts what a new connection from `address` needs; says which cap is full when it cannot. */
  #makeRoom(address: Address): string | undefined {
    const { maxConnections, maxConnectionsPerIp } = this.#limits
    const perIpFull = maxConnectionsPerIp > 0 && address.count >= maxConnectionsPerIp
    if (perIpFull && !this.#evict(address.idle)) return 'from your address'
    if (this.#sockets.size >= maxConnections && !this.#evict(this.#idle)) return 'in total'
    return undefined
  }

  #busy(socket: Socket): void {
    const tracked = this.#sockets.get(socket)
    if (!tracked) return
    tracked.inFlight++
    tracked.address.idle.delete(socket)
    this.#idle.delete(socket)
  }

  #done(socket: Socket): void {
    const tracked = this.#sockets.get(socket)
    if (!tracked) return
    tracked.inFlight--
    if (tracked.inFlight === 0 && !socket.destroyed) this.#markIdle(socket, tracked.address)
  }

  // Sets keep insertion order: re-adding moves a connection to the young end.
  #markIdle(socket: Socket, address: Address): void {
    address.idle.add(socket)
    this.#idle.add(socket)
  }

  #evict(idle: Set<Socket>): boolean {
    const oldest = idle.values().next().value
    if (oldest === undefined) return false
    this.#forget(oldest)
    oldest.destroy()
    return true
  }

  #forget(socket: Socket): void {
    const tracked = this.#sockets.get(socket)
    if (!tracked) return
    this.#sockets.delete(socket)
    this.#idle.delete(socket)
    tracked.address.idle.delete(socket)
    tracked.address.count--
    if (tracked.address.count === 0) this.#addresses.delete(tracked.key)
  }

  #refuse(socket: Socket, address: string, scope: string): void {
    this.#refused.add(socket)
    const error = new AppError(
      'service_unavailable',
      `Too many connections ${scope}; close idle ones or try again shortly`,
      { headers: { 'Retry-After': '1' } },
    )
    closeWithProblem(socket, error)
    this.#refusals++
    const now = Date.now()
    if (now - this.#loggedAt < LOG_EVERY_MS) return
    this.#logger.warn(
      { refused: this.#refusals, last_address: address, scope, open: this.#sockets.size },
      'connections refused at a cap',
    )
    this.#loggedAt = now
    this.#refusals = 0
  }
}
