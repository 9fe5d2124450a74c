import type {
  ApiKeyList,
  ApiKeyListQuery,
  CreateApiKeyRequest,
  CreatedApiKey,
  RevokedApiKey,
} from '@agentapi-proxy/shared'
import { segment, type Transport } from './transport.ts'

/**
 * API key management: your own keys, or anyone's as an admin.
 *
 * @example
 * const { key } = await client.createApiKey({ name: 'ci' })
 */
export interface ApiKeysApi {
  /**
   * `GET /api-keys`: one page of keys, oldest first, never their secrets.
   *
   * @example
   * let page = await client.listApiKeys({ limit: 100 })
   * while (page.next_cursor) page = await client.listApiKeys({ cursor: page.next_cursor })
   */
  listApiKeys(query?: ApiKeyListQuery): Promise<ApiKeyList>
  /**
   * `POST /api-keys` → 201: the key with its secret, which is never shown again.
   *
   * @example
   * const { key, expires_at } = await client.createApiKey({ name: 'laptop' })
   */
  createApiKey(body: CreateApiKeyRequest): Promise<CreatedApiKey>
  /**
   * `DELETE /api-keys/{id}`: the key stops working at once.
   *
   * @example
   * await client.revokeApiKey('key_01hx…') // { id, status: 'revoked' }
   */
  revokeApiKey(keyId: string): Promise<RevokedApiKey>
}

/**
 * The API key methods over a transport.
 *
 * @example
 * const api = apiKeysApi(transport)
 */
export function apiKeysApi(transport: Transport): ApiKeysApi {
  return {
    listApiKeys: (query = {}) => {
      const searchParams: Record<string, string | number> = {}
      if (query.limit !== undefined) searchParams.limit = query.limit
      if (query.cursor !== undefined) searchParams.cursor = query.cursor
      return transport.json<ApiKeyList>('GET', 'api-keys', { searchParams })
    },
    createApiKey: (body) => transport.json<CreatedApiKey>('POST', 'api-keys', { json: body }),
    revokeApiKey: (id) => transport.json<RevokedApiKey>('DELETE', `api-keys/${segment(id)}`),
  }
}
