/**
 * A counting semaphore: at most `size` agents start at once, so a burst of `POST /start`
 * queues instead of forking everything together on a small machine.
 */
export class SpawnSlots {
  readonly #size: number
  #used = 0
  readonly #waiting: (() => void)[] = []

  constructor(size: number) {
    this.#size = size
  }

  async acquire(): Promise<() => void> {
    if (this.#used >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    else this.#used++
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      if (next) next()
      else this.#used--
    }
  }
}
