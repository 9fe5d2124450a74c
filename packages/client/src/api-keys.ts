import type {
  ApiKeyList,
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
   * `GET /api-keys`: the keys, never their secrets.
   *
   * @example
   * for (const k of (await client.listApiKeys()).api_keys) console.log(k.prefix, k.name)
   */
  listApiKeys(): Promise<ApiKeyList>
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
    listApiKeys: () => transport.json<ApiKeyList>('GET', 'api-keys'),
    createApiKey: (body) => transport.json<CreatedApiKey>('POST', 'api-keys', { json: body }),
    revokeApiKey: (id) => transport.json<RevokedApiKey>('DELETE', `api-keys/${segment(id)}`),
  }
}
