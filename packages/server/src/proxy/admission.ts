import type { IncomingHttpHeaders } from 'node:http'
import { canAccess, hasPermission, type Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import type { ProxyTarget, SessionDirectory } from '../sessions/directory.ts'

/** Who is calling, from the request headers; throws an `AppError` (401) for no one. */
export type Authenticate = (headers: IncomingHttpHeaders) => Promise<Principal>

// How long a client should wait before asking a starting session again: agentapi needs ≥2 s
// of a quiet screen before it reports ready.
const RETRY_AFTER_SECONDS = '2'

/**
 * Decides whether `principal` may talk to the session's agent now, and returns where the agent
 * is and the secret it demands. Throws:
 * - `forbidden` (403) without the `session:access` permission — said before any lookup, so it
 *   tells nothing about the session;
 * - `session_not_found` (404) for an unknown session and equally for someone else's, so ids
 *   cannot be probed;
 * - `session_not_ready` (503, `Retry-After`) while it starts, or is being restored;
 * - `session_ended` (410) once it is stopping, stopped (deleted too) or failed: it exists but will
 *   never answer again; `session_status` and `session_error` say how and why (a failed agent's
 *   exit), so a client can say "failed (exit 7)" instead of "not found".
 *
 * @example
 * const { url, secret } = await admit(directory, principal, sessionId) // 'http://127.0.0.1:9003'
 */
export async function admit(
  directory: SessionDirectory,
  principal: Principal,
  sessionId: string,
): Promise<{ url: string; secret: string | null }> {
  if (!hasPermission(principal, 'session:access')) {
    throw new AppError('forbidden', 'Talking to a session needs the session:access permission')
  }
  const target = await directory.lookup(sessionId)
  if (target === undefined || !canAccess(principal, target.ownerId)) throw notFound(sessionId)
  return { url: reachable(target, sessionId), secret: target.secret ?? null }
}

/**
 * Where the agent of a session read through a share link is: no principal, the token was the
 * proof. A session pruned since the link was made answers as an unknown link.
 *
 * @example
 * const { url, secret } = await admitShared(directory, share.session_id)
 */
export async function admitShared(
  directory: SessionDirectory,
  sessionId: string,
): Promise<{ url: string; secret: string | null }> {
  const target = await directory.lookup(sessionId)
  if (target === undefined) {
    throw new AppError('share_not_found', 'This share link does not exist or was revoked')
  }
  return { url: reachable(target, sessionId), secret: target.secret ?? null }
}

function reachable(target: ProxyTarget, sessionId: string): string {
  switch (target.status) {
    case 'active':
      if (target.url !== null) return target.url
      return notReady(sessionId, 'has no agent address yet')
    case 'starting':
      return notReady(sessionId, 'is starting')
    case 'suspended':
      return notReady(sessionId, 'is being restored')
    case 'stopping':
    case 'stopped':
      throw new AppError(
        'session_ended',
        `Session ${sessionId} has stopped and has no agent any more; start a new session (POST /start)`,
        { ended: { status: 'stopped', error: target.reason ?? null } },
      )
    case 'failed':
      throw new AppError(
        'session_ended',
        `${target.reason ?? 'The agent exited'}: session ${sessionId} has no agent any more; ` +
          `GET /sessions/${sessionId} shows its last output`,
        { ended: { status: 'failed', error: target.reason ?? null } },
      )
  }
}

function notFound(sessionId: string): AppError {
  return new AppError('session_not_found', `No session ${sessionId} is visible to you`)
}

function notReady(sessionId: string, state: string): never {
  throw new AppError('session_not_ready', `Session ${sessionId} ${state}; try again shortly`, {
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  })
}
