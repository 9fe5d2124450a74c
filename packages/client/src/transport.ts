import ky, { HTTPError, type KyInstance, type Options } from 'ky'
import { ApiError } from './api-error.ts'
import type { ClientOptions } from './client.ts'
import { ServerUnreachableError } from './server-unreachable-error.ts'

/**
 * The HTTP methods the API and agentapi use.
 *
 * @example
 * const method: HttpMethod = 'DELETE'
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Per-request ky options; `method` comes from the call.
 *
 * @example
 * const options: RequestOptions = { retry: 0, searchParams: { tail: 20 } }
 */
export type RequestOptions = Omit<Options, 'method' | 'prefixUrl'>

// agentapi answers `POST /message` once the agent has *started* (≈0.1–18 s), so ky's 10 s
// default would cut off healthy requests.
const DEFAULT_TIMEOUT_MS = 30_000

/**
 * The one place requests are made: base URL, credentials, timeout and retry policy, and every
 * non-2xx answer turned into an {@link ApiError} that names the request.
 *
 * @example
 * const transport = new Transport({ baseUrl: 'http://localhost:8080', apiKey })
 * const health = await transport.json<Health>('GET', 'health')
 */
export class Transport {
  readonly #ky: KyInstance
  readonly #base: string

  constructor(options: ClientOptions) {
    const headers = new Headers(options.headers)
    if (options.apiKey) headers.set(options.apiKeyHeader ?? 'X-API-Key', options.apiKey)
    if (options.token) headers.set('Authorization', `Bearer ${options.token}`)
    const custom = options.fetch
    this.#base = String(options.baseUrl).replace(/\/*$/, '/')
    this.#ky = ky.create({
      prefixUrl: String(options.baseUrl),
      headers,
      timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
      // ky's default retries GET, PUT, HEAD, DELETE, OPTIONS and TRACE only: never a POST.
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      // ky always passes a Request. A plain call: browsers throw "Illegal invocation" for
      // `fetch` called as a method of the options object.
      ...(custom ? { fetch: (input, init) => custom(input as Request, init) } : {}),
    })
  }

  /**
   * Sends a request; resolves with the response when it is a 2xx (or accepted by
   * `throwHttpErrors`), throws an {@link ApiError} otherwise.
   *
   * @example
   * const res = await transport.send('GET', `${id}/events`, { timeout: false })
   */
  async send(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<Response> {
    if (DOT_SEGMENT.test(path)) {
      // `sessions/..` would resolve to another route, or out of a base URL's path prefix.
      throw new TypeError(`${method} /${path}: an id cannot be "." or ".."`)
    }
    try {
      return await this.#ky(path, { ...options, method })
    } catch (error) {
      if (error instanceof HTTPError) {
        throw await ApiError.fromResponse(error.response, method, `/${path}`)
      }
      if (ServerUnreachableError.isNetworkFailure(error)) {
        throw new ServerUnreachableError(method, new URL(path, this.#base).href, error)
      }
      throw error
    }
  }

  /**
   * Sends a request and parses its JSON body.
   *
   * @example
   * const session = await transport.json<Session>('POST', 'start', { json: {} })
   */
  async json<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, {
      ...options,
      headers: { accept: 'application/json', ...(options.headers as Record<string, string>) },
    })
    return (await response.json()) as T
  }
}

/**
 * One path segment, escaped (`/`, `?`, `#`…), so an id never changes which route a request
 * reaches. `.` and `..` cannot be escaped (URLs resolve even `%2E%2E`): `send` refuses them.
 *
 * @example
 * `sessions/${segment(id)}/logs`
 */
export function segment(value: string): string {
  return encodeURIComponent(value)
}

const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/
