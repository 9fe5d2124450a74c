import { AppError } from '../errors.ts'
import type { AuthFailureMethod } from '../metrics/metrics.ts'
import { API_KEY_PREFIX } from './api-keys.ts'
import { type AuthConfig, type Authenticate, readCredential } from './authenticate.ts'
import { OAUTH_ACCESS_PREFIX, OAUTH_REFRESH_PREFIX } from './oauth-tokens.ts'

const REFUSALS: ReadonlySet<string> = new Set(['unauthorized', 'credentials_expired'])

/**
 * The same authenticator, telling `count` the method of each credential it refuses. An outage
 * (GitHub or the store not answering) is not a refusal and is not counted.
 *
 * @example
 * const authenticate = countingAuthFailures(auth.authenticate, config.auth, (m) => metrics.authFailed(m))
 */
export function countingAuthFailures(
  authenticate: Authenticate,
  auth: AuthConfig,
  count: (method: AuthFailureMethod) => void,
): Authenticate {
  return async (headers) => {
    try {
      return await authenticate(headers)
    } catch (error) {
      if (error instanceof AppError && REFUSALS.has(error.code)) {
        count(failureMethod(headers, auth))
      }
      throw error
    }
  }
}

/**
 * Which method a refused credential was for, from what it looks like: nothing sent is `none`;
 * the proxy's own prefixes name theirs; anything else in the API-key header is an API key, and
 * a foreign Bearer token is a GitHub token when GitHub tokens are accepted.
 */
export function failureMethod(
  headers: Parameters<Authenticate>[0],
  auth: AuthConfig,
): AuthFailureMethod {
  const header = auth.static.header_name.toLowerCase()
  const credential = readCredential(headers, header)
  if (!credential) return 'none'
  if (credential.startsWith(OAUTH_ACCESS_PREFIX) || credential.startsWith(OAUTH_REFRESH_PREFIX)) {
    return 'oauth'
  }
  if (credential.startsWith(API_KEY_PREFIX) || credential !== bearer(headers)) {
    return 'api_key'
  }
  return auth.github.enabled ? 'github_token' : 'api_key'
}

function bearer(headers: Parameters<Authenticate>[0]): string | undefined {
  // A header name no request sends: what is left is the Authorization header's token.
  return readCredential(headers, '\0')
}
