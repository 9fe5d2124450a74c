import type { AuditPage, AuditQuery } from '@agentapi-proxy/shared'
import type { Transport } from './transport.ts'

/**
 * The audit log, for admins.
 *
 * @example
 * const { entries } = await client.audit({ action: 'api_key.revoke' })
 */
export interface AuditApi {
  /**
   * `GET /audit`: one page of entries, newest first; 403 for anyone but an admin.
   *
   * @example
   * let page = await client.audit({ user_id: 'alice', since: '2026-12-01T00:00:00Z' })
   * while (page.next_cursor) page = await client.audit({ cursor: page.next_cursor })
   */
  audit(query?: AuditQuery): Promise<AuditPage>
}

/**
 * The audit method over a transport.
 *
 * @example
 * const api = auditApi(transport)
 */
export function auditApi(transport: Transport): AuditApi {
  return {
    audit: (query = {}) => {
      const searchParams: Record<string, string | number> = {}
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) searchParams[name] = value
      }
      return transport.json<AuditPage>('GET', 'audit', { searchParams })
    },
  }
}
