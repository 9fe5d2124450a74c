import type { AuditAction } from '@agentapi-proxy/shared'
import type { Context, MiddlewareHandler } from 'hono'
import type { AuditRecorder } from '../audit/audit-log.ts'
import type { Principal } from '../auth/principal.ts'
import { requestAddress } from './client-address.ts'

type RecordAudit = (
  action: AuditAction,
  principal: Pick<Principal, 'user_id' | 'auth_type'>,
  target: string | null,
) => Promise<void>

declare module 'hono' {
  interface ContextVariableMap {
    /** Records an audited action of this request (see {@link recordAudit}). */
    recordAudit: RecordAudit
  }
}

/**
 * Gives every route {@link recordAudit}, which adds the request's source address and id to
 * what the route says happened.
 */
export function auditMiddleware(audit: AuditRecorder, trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    c.set('recordAudit', (action, principal, target) =>
      audit.record({
        action,
        principal,
        target,
        source: requestAddress(c, trustProxy),
        requestId: c.get('requestId') ?? null,
      }),
    )
    await next()
  }
}

/**
 * Records that `principal` did `action` to `target` (a session id, an API key id), once the
 * action has succeeded. Never rejects: an entry the store refuses is kept and retried.
 *
 * @example
 * const principal = await requirePermission(c, 'session:access')
 * const share = await shares.create(principal, sessionId, body)
 * await recordAudit(c, 'session.share', principal, sessionId)
 */
export function recordAudit(
  c: Context,
  action: AuditAction,
  principal: Pick<Principal, 'user_id' | 'auth_type'>,
  target: string | null,
): Promise<void> {
  return c.get('recordAudit')(action, principal, target)
}
