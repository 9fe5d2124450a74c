import { duration } from './timestamps.ts'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const FRAME_MS = 80

/**
 * Shows that long work goes on, on stderr: a spinner with the elapsed time on a terminal, or
 * one plain line per step when stderr is a file or a pipe (frames would only litter a log).
 *
 * @example
 * const progress = new Progress()
 * progress.start('Starting session 1a2b3c4d')
 * progress.succeed('Session 1a2b3c4d is active')
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream
  readonly #tty: boolean
  #text = ''
  #frame = 0
  #startedAt = Date.now()
  #timer: NodeJS.Timeout | undefined
  #pending: NodeJS.Timeout | undefined

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream
    this.#tty = stream.isTTY === true
  }

  /** Milliseconds since `start()`. */
  get elapsed(): number {
    return Date.now() - this.#startedAt
  }

  /**
   * Starts the spinner (or prints the first step); while it spins, only changes its text. With
   * `afterMs`, shows nothing unless the work is still going on by then: a wait that is usually
   * instant (the agent is idle already) should not print a line each time.
   */
  start(text: string, options: { afterMs?: number } = {}): void {
    clearTimeout(this.#pending)
    if (options.afterMs) {
      this.#pending = setTimeout(() => this.start(text), options.afterMs)
      this.#pending.unref()
      return
    }
    if (this.#timer) {
      this.update(text)
      return
    }
    this.#startedAt = Date.now()
    this.#text = text
    if (!this.#tty) {
      this.#line(`${text}…`)
      return
    }
    this.#timer = setInterval(() => this.#render(), FRAME_MS)
    // A forgotten spinner must not keep the process alive.
    this.#timer.unref()
    this.#render()
  }

  /** Changes what the spinner says; without a terminal, prints it as a new step. */
  update(text: string): void {
    if (text === this.#text) return
    this.#text = text
    if (!this.#tty) this.#line(`${text}…`)
  }

  /** Ends with a success line. */
  succeed(text: string): void {
    this.#end('✔', text)
  }

  /** Ends with a failure line. */
  fail(text: string): void {
    this.#end('✖', text)
  }

  /** Ends, erasing the spinner, with nothing printed. */
  stop(): void {
    clearTimeout(this.#pending)
    if (!this.#timer) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#stream.write('\r\x1b[2K')
  }

  #end(symbol: string, text: string): void {
    this.stop()
    this.#line(this.#tty ? `${symbol} ${text}` : text)
  }

  #render(): void {
    const frame = FRAMES[this.#frame++ % FRAMES.length]
    this.#stream.write(`\r\x1b[2K${frame} ${this.#text} (${duration(this.elapsed)})`)
  }

  #line(text: string): void {
    this.#stream.write(`${text}\n`)
  }
}
