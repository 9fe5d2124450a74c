import { createServer } from 'node:net'

/**
 * Hands out ports from `start_port` upward. Reservation is synchronous, so concurrent starts
 * never get the same port; each candidate is bind-checked on every interface (agentapi
 * listens on all of them) so a port used by anything else on the machine is skipped.
 */
export class PortAllocator {
  readonly #first: number
  readonly #last: number
  readonly #reserved = new Set<number>()
  #next: number

  constructor(firstPort: number, count = 10_000) {
    this.#first = firstPort
    this.#last = Math.min(65_535, firstPort + count - 1)
    this.#next = firstPort
  }

  /** Reserves a free port, or throws when the whole range is in use. */
  async reserve(): Promise<number> {
    const span = this.#last - this.#first + 1
    for (let tried = 0; tried < span; tried++) {
      const port = this.#advance()
      if (this.#reserved.has(port)) continue
      this.#reserved.add(port)
      if (await isFree(port)) return port
      this.#reserved.delete(port)
    }
    throw new Error(`no free port between ${this.#first} and ${this.#last}`)
  }

  /** Marks a port as taken (an adopted agent already listens on it). */
  claim(port: number): void {
    this.#reserved.add(port)
  }

  release(port: number): void {
    this.#reserved.delete(port)
  }

  #advance(): number {
    const port = this.#next
    this.#next = port >= this.#last ? this.#first : port + 1
    return port
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', () => resolve(false))
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve(true)))
  })
}
