/**
 * Names and labels of a session's objects, as the anchors (KubeSpawner, the Go agentapi-proxy)
 * do it: a DNS-safe name derived from the session id, the recommended `app.kubernetes.io/*`
 * labels, and our own labels to select by, sanitized, with the raw values in annotations.
 */

export const APP_NAME = 'agentapi-agent'
export const MANAGED_BY = 'agentapi-proxy'
export const SESSION_LABEL = 'agentapi-proxy/session-id'
export const USER_LABEL = 'agentapi-proxy/user'
export const SESSION_ANNOTATION = 'agentapi-proxy/session-id'
export const USER_ANNOTATION = 'agentapi-proxy/user'

/** Selects every object this proxy made, whatever session it belongs to. */
export const MANAGED_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY},app.kubernetes.io/name=${APP_NAME}`

/**
 * The name of every object of a session (Pod, Service, Secret, PVC): DNS-1123 (lowercase, at
 * most 63 characters, alphanumeric ends), from the session id, so it can be found again.
 *
 * @example
 * objectName('0B6C…-…') // 'agentapi-0b6c…'
 */
export function objectName(sessionId: string): string {
  const safe = sessionId.toLowerCase().replace(/[^a-z0-9-]/g, '-')
  return `agentapi-${safe}`.slice(0, 63).replace(/-+$/, '')
}

/**
 * A label value Kubernetes accepts: at most 63 characters of `[A-Za-z0-9._-]`, starting and
 * ending with an alphanumeric. A GitHub login already is one; anything else is folded into one.
 */
export function labelValue(raw: string): string {
  const folded = raw.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63)
  return folded.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '')
}

/** The labels every object of a session carries. */
export function sessionLabels(sessionId: string, userId: string | null): Record<string, string> {
  return {
    'app.kubernetes.io/name': APP_NAME,
    'app.kubernetes.io/instance': objectName(sessionId),
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [SESSION_LABEL]: labelValue(sessionId),
    ...(userId ? { [USER_LABEL]: labelValue(userId) } : {}),
  }
}

/** The raw values the labels may have had to fold. */
export function sessionAnnotations(sessionId: string, userId: string | null) {
  return {
    [SESSION_ANNOTATION]: sessionId,
    ...(userId ? { [USER_ANNOTATION]: userId } : {}),
  }
}
