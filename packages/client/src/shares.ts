import type {
  CreatedShare,
  CreateShareRequest,
  RevokedShares,
  ShareList,
} from '@agentapi-proxy/shared'
import { segment, type Transport } from './transport.ts'

/**
 * Read-only share links to a session: the owner (or an admin) makes, lists and revokes them.
 *
 * @example
 * const { url } = await client.createShare(id, { expires_in: 3600 })
 */
export interface SharesApi {
  /**
   * `POST /sessions/{id}/share` → 201: a link anyone can read the session through, without
   * credentials. The token (in `token`, `path` and `url`) is never shown again.
   *
   * @example
   * const { url, expires_at } = await client.createShare(id, { expires_in: 3600 })
   */
  createShare(sessionId: string, body?: CreateShareRequest): Promise<CreatedShare>
  /**
   * `GET /sessions/{id}/share`: the links that still work, with their viewer counts.
   *
   * @example
   * const { shares } = await client.listShares(id)
   */
  listShares(sessionId: string): Promise<ShareList>
  /**
   * `DELETE /sessions/{id}/share/{shareId}`: the link stops working and its streams end.
   *
   * @example
   * await client.revokeShare(id, 'shr_Vb3kX0q9cJ1fRk2m') // { revoked: ['shr_…'] }
   */
  revokeShare(sessionId: string, shareId: string): Promise<RevokedShares>
  /**
   * `DELETE /sessions/{id}/share`: every link of the session stops working.
   *
   * @example
   * const { revoked } = await client.revokeShares(id)
   */
  revokeShares(sessionId: string): Promise<RevokedShares>
}

/**
 * The share-link methods over a transport.
 *
 * @example
 * const api = sharesApi(transport)
 */
export function sharesApi(transport: Transport): SharesApi {
  const base = (id: string) => `sessions/${segment(id)}/share`
  return {
    createShare: (id, body = {}) => transport.json<CreatedShare>('POST', base(id), { json: body }),
    listShares: (id) => transport.json<ShareList>('GET', base(id)),
    revokeShare: (id, shareId) =>
      transport.json<RevokedShares>('DELETE', `${base(id)}/${segment(shareId)}`),
    revokeShares: (id) => transport.json<RevokedShares>('DELETE', base(id)),
  }
}
