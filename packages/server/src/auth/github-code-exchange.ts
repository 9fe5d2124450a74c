import { AppError } from '../errors.ts'
import type { GitHubApp } from './github-client.ts'

/** One authorization code to trade at GitHub's token endpoint. */
export interface CodeExchange {
  /** The web/OAuth base: `https://github.com`, or `https://HOST` for GitHub Enterprise. */
  baseUrl: string
  app: GitHubApp
  code: string
  /** The `redirect_uri` sent to the authorize endpoint; GitHub checks they are the same. */
  redirectUri: string
  timeoutMs?: number
}

// GitHub refuses a code with HTTP 200 and an `error` field (REFERENCE §1.4); these are the
// refusals that are the caller's to fix by signing in again, not the operator's.
const USER_ERRORS = new Set(['bad_verification_code', 'redirect_uri_mismatch', 'access_denied'])

/**
 * Exchanges a code for GitHub's access token, server-side with the client secret.
 * A body with `error` is a failure whatever the status; the secret and the code never appear
 * in an error detail.
 *
 * @example
 * const token = await exchangeCode({ baseUrl: 'https://github.com', app, code, redirectUri })
 */
export async function exchangeCode(exchange: CodeExchange): Promise<string> {
  const url = `${exchange.baseUrl.replace(/\/+$/, '')}/login/oauth/access_token`
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'agentapi-proxy',
      },
      body: JSON.stringify({
        client_id: exchange.app.client_id,
        client_secret: exchange.app.client_secret,
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
      }),
      signal: AbortSignal.timeout(exchange.timeoutMs ?? 10_000),
    })
  } catch (error) {
    const detail = `Could not reach GitHub's token endpoint at ${new URL(url).origin}`
    throw new AppError('service_unavailable', detail, { cause: error })
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (typeof body.error === 'string') throw refusal(body.error, body.error_description)
  if (!res.ok || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new AppError(
      'service_unavailable',
      `GitHub's token endpoint answered ${res.status} without a token`,
    )
  }
  return body.access_token
}

function refusal(error: string, description: unknown): AppError {
  const text = typeof description === 'string' ? ` (${description.slice(0, 200)})` : ''
  if (USER_ERRORS.has(error)) {
    return new AppError(
      'unauthorized',
      `GitHub refused the sign-in: ${error}${text}; sign in again`,
    )
  }
  // incorrect_client_credentials and the like: the proxy is misconfigured, not the caller.
  return new AppError(
    'service_unavailable',
    `GitHub refused the proxy's OAuth app: ${error}${text}`,
  )
}
