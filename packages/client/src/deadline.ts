/**
 * One signal for a wait: the caller's, and a timeout that aborts with a `TimeoutError`
 * DOMException saying `message`. `done()` clears the timer and aborts what still listens.
 *
 * @example
 * const deadline = withDeadline(30_000, 'no reply within 30 s', options.signal)
 * try { await work(deadline.signal) } finally { deadline.done() }
 */
export function withDeadline(
  timeoutMs: number | undefined,
  message: string,
  signal?: AbortSignal,
): { signal: AbortSignal; done(): void } {
  const controller = new AbortController()
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new DOMException(message, 'TimeoutError')), timeoutMs)
  return {
    signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    done() {
      clearTimeout(timer)
      controller.abort()
    },
  }
}
