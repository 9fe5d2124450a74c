// Placeholder: the GitHub OAuth demo app is built with the OAuth issue (sign in through the
// proxy, list and create sessions, chat with an agent). It already type-checks against the SDK.
import type { Session } from '@agentapi-proxy/client'

export function describeSession(session: Session): string {
  return `${session.session_id} ${session.status}`
}
