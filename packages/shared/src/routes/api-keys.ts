import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import {
  ApiKeyListQuerySchema,
  ApiKeyListSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  RevokedApiKeySchema,
} from '../api-keys.ts'
import { authenticated, json, jsonBody, problems } from './responses.ts'

export const listApiKeys = createRoute({
  method: 'get',
  path: '/api-keys',
  tags: ['API keys'],
  summary: 'List API keys',
  description:
    'Your API keys (an admin sees everyone’s), oldest first, one page at a time. ' +
    'Never their secrets. Follow `next_cursor` until it is null to see every key; ' +
    'revoked keys and keys revoked with the credential that minted them are not listed.',
  security: authenticated,
  request: { query: ApiKeyListQuerySchema },
  responses: { 200: json(ApiKeyListSchema, 'One page of keys'), ...problems(401, 403, 422) },
})

export const createApiKey = createRoute({
  method: 'post',
  path: '/api-keys',
  tags: ['API keys'],
  summary: 'Create an API key',
  description:
    'Create an API key; the secret is in this response only. ' +
    'A key never outlives or out-permits the credential that creates it: without `expires_at` ' +
    'it expires with its creator, a later `expires_at` or a permission the creator lacks is ' +
    'refused, and revoking the creator revokes it. Each user may hold ' +
    '`auth.managed_keys.max_per_user` active keys (422 beyond). With auth off (every caller ' +
    'an anonymous admin) no key is minted: 409.',
  security: authenticated,
  request: { body: jsonBody(CreateApiKeyRequestSchema) },
  responses: {
    201: json(CreatedApiKeySchema, 'The key, with its secret'),
    ...problems(400, 401, 403, 409, 422),
  },
})

export const deleteApiKey = createRoute({
  method: 'delete',
  path: '/api-keys/{keyId}',
  tags: ['API keys'],
  summary: 'Revoke an API key',
  description: 'Revoke an API key, every key it minted, and the streams they hold open',
  security: authenticated,
  request: {
    params: z.object({
      keyId: z
        .string()
        .min(1)
        .max(64)
        .meta({ param: { name: 'keyId', in: 'path' } }),
    }),
  },
  responses: { 200: json(RevokedApiKeySchema, 'Revoked'), ...problems(401, 403, 404) },
})
