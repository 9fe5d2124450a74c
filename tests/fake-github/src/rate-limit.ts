/** What one request costs against the hourly primary rate limit, as GitHub reports it. */
export interface RateLimitVerdict {
  allowed: boolean
  headers: Record<string, string>
}

/**
 * GitHub's primary rate limit: a budget per user per hour, reported on every response.
 * `false` leaves the headers out entirely, as GHES does by default.
 *
 * @example
 * const verdict = new RateLimiter(5000, Date.now).take('octocat')
 * if (!verdict.allowed) sendError(res, 403, 'API rate limit exceeded…', verdict.headers)
 */
export class RateLimiter {
  readonly #limit: number | false
  readonly #now: () => number
  readonly #windows = new Map<string, { used: number; reset: number }>()

  constructor(limit: number | false, now: () => number) {
    this.#limit = limit
    this.#now = now
  }

  /** Counts one request for `login` and says whether it may proceed. */
  take(login: string): RateLimitVerdict {
    if (this.#limit === false) return { allowed: true, headers: {} }
    const now = this.#now()
    let window = this.#windows.get(login)
    if (!window || window.reset * 1000 <= now) {
      window = { used: 0, reset: Math.ceil(now / 1000) + 3600 }
      this.#windows.set(login, window)
    }
    const allowed = window.used < this.#limit
    if (allowed) window.used += 1
    const headers = {
      'x-ratelimit-limit': String(this.#limit),
      'x-ratelimit-remaining': String(this.#limit - window.used),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-reset': String(window.reset),
      'x-ratelimit-resource': 'core',
    }
    return { allowed, headers }
  }
}
