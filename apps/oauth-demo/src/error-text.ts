import { ApiError } from '@agentapi-proxy/client'

/**
 * An error in words for the person using the app: the proxy's (or agent's) own explanation
 * first, then which request it answered.
 *
 * @example
 * errorText(error) // 'Session 0b6c… is starting; try again shortly (GET /0b6c…/events → 503)'
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    return `${error.detail || error.code} (${error.method} ${error.path} → ${error.status})`
  }
  // fetch's own failure: no answer at all.
  if (error instanceof TypeError && /fetch/i.test(error.message)) {
    return 'The proxy cannot be reached. Is `pnpm demo` still running?'
  }
  return error instanceof Error ? error.message : String(error)
}

/** Whether the proxy no longer accepts this tab's token (expired, or revoked by a sign-out). */
export function isSignedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401
}
