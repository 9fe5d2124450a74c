/**
 * agentapi's server-wide RWMutex: every `POST /message` holds the write
 * lock for its whole duration, so POSTs run one at a time and `GET /status` / `GET /messages`
 * wait for an in-flight POST. `/events` never waits.
 */
export class WriteLock {
  #tail: Promise<void> = Promise.resolve()

  /** Runs `task` once every earlier writer has finished. */
  write<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task)
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  /** Resolves once no writer that started or queued before this call is still running. */
  read(): Promise<void> {
    return this.#tail
  }
}
