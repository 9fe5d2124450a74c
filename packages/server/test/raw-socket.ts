import { connect, type Socket } from 'node:net'

/** A plain TCP connection to a test server, recording what it receives and when it closes. */
export class RawConnection {
  readonly socket: Socket
  /** Resolves once connected; rejects when the connection is refused outright. */
  readonly connected: Promise<void>
  /** Resolves with the milliseconds from connecting to the close. */
  readonly closed: Promise<number>
  #received = ''
  #opened = performance.now()
  #waiters: (() => void)[] = []

  constructor(port: number, localAddress = '127.0.0.1') {
    this.socket = connect({ port, host: '127.0.0.1', localAddress })
    this.socket.setEncoding('utf8')
    this.socket.on('data', (text: string) => {
      this.#received += text
      for (const wake of this.#waiters.splice(0)) wake()
    })
    this.socket.on('error', () => undefined)
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve())
      this.socket.once('error', reject)
    })
    this.closed = new Promise((resolve) => {
      this.socket.once('close', () => {
        for (const wake of this.#waiters.splice(0)) wake()
        resolve(performance.now() - this.#opened)
      })
    })
  }

  /** Opens a connection and waits until it is established. */
  static async open(port: number, localAddress?: string): Promise<RawConnection> {
    const connection = new RawConnection(port, localAddress)
    await connection.connected
    return connection
  }

  get received(): string {
    return this.#received
  }

  get isClosed(): boolean {
    return this.socket.destroyed
  }

  write(text: string): this {
    this.socket.write(text)
    return this
  }

  /** Waits until what was received matches `pattern` (or the connection closed). */
  async until(pattern: RegExp | ((text: string) => boolean), timeoutMs = 5_000): Promise<string> {
    const deadline = performance.now() + timeoutMs
    const matches = typeof pattern === 'function' ? pattern : (text: string) => pattern.test(text)
    while (!matches(this.#received)) {
      if (this.socket.destroyed) throw new Error(`closed before ${pattern}: ${this.#received}`)
      const left = deadline - performance.now()
      if (left <= 0) throw new Error(`no ${pattern} in ${timeoutMs} ms: ${this.#received}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.#received
  }

  /** Waits for one whole response: its head, and as many body bytes as Content-Length says. */
  async untilResponse(timeoutMs = 5_000): Promise<ReturnType<RawConnection['response']>> {
    const whole = (text: string) => {
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return false
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1]
      return Buffer.byteLength(text.slice(end + 4)) >= Number(length ?? 0)
    }
    await this.until(whole, timeoutMs)
    return this.response()
  }

  /** The first response received, split into status, lower-cased headers and body. */
  response(): { status: number; headers: Record<string, string>; body: string } {
    const [head = '', ...rest] = this.#received.split('\r\n\r\n')
    const [statusLine = '', ...lines] = head.split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') }
  }

  close(): void {
    this.socket.destroy()
  }
}

/** Sends one raw request and waits for the connection to close (or `timeoutMs`). */
export async function exchange(port: number, text: string, timeoutMs = 3_000) {
  const connection = await RawConnection.open(port)
  connection.write(text)
  await connection.untilResponse(timeoutMs)
  return connection
}
