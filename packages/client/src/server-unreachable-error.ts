/**
 * No answer at all from the server: nothing listens, the name does not resolve, the connection
 * was reset. It names the method and the full URL (fetch's own `TypeError: fetch failed` says
 * neither), and keeps the network error — with its `code` — as `cause`. A TypeError still, as
 * fetch's is, so code written against fetch keeps working.
 *
 * @example
 * try { await client.health() } catch (e) {
 *   if (e instanceof ServerUnreachableError) console.error(e.message) // GET http://…/health: cannot reach …
 * }
 */
export class ServerUnreachableError extends TypeError {
  readonly method: string
  readonly url: string
  /** The network error's code (`ECONNREFUSED`, `ENOTFOUND`), when it has one. */
  readonly code: string | undefined

  constructor(method: string, url: string, error: unknown) {
    const cause = (error as { cause?: unknown } | null)?.cause ?? error
    const code = codeOf(cause)
    super(
      `${method} ${url}: cannot reach the server${code ? ` (${code})` : ''}; is it running, and is the URL right?`,
      { cause },
    )
    this.name = 'ServerUnreachableError'
    this.method = method
    this.url = url
    this.code = code
  }

  /** Whether `error` is fetch's own failure to get any answer (not an abort or a timeout). */
  static isNetworkFailure(error: unknown): boolean {
    return error instanceof TypeError && !(error instanceof ServerUnreachableError)
      ? error.message === 'fetch failed' ||
          codeOf((error as { cause?: unknown }).cause) !== undefined
      : false
  }
}

function codeOf(cause: unknown): string | undefined {
  const found = cause as { code?: unknown; errors?: { code?: unknown }[] } | null | undefined
  const code = typeof found?.code === 'string' ? found.code : found?.errors?.[0]?.code
  return typeof code === 'string' ? code : undefined
}
