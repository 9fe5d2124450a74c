/**
 * Polls `check` until it returns something other than undefined, or fails after `timeoutMs`.
 * For waiting on state that changes in another process (a session becoming active), where no
 * event can be awaited.
 *
 * @example
 * const session = await eventually(async () => {
 *   const s = await client.getSession(id)
 *   return s.status === 'active' ? s : undefined
 * })
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
