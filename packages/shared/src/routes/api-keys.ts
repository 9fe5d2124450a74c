import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import {
  ApiKeyListQuerySchema,
  ApiKeyListSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  RevokedApiKeySchema,
} from '../api-keys.ts'
import { problemExample as example } from './problem-examples.ts'
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
  responses: {
    200: json(ApiKeyListSchema, 'One page of keys'),
    ...problems(
      401,
      example('forbidden', "Only admins list other users' API keys"),
      example('invalid_request', 'Invalid query: limit: Too big: expected number to be <=500', {
        errors: [{ path: 'limit', message: 'Too big: expected number to be <=500' }],
      }),
    ),
  },
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
    ...problems(
      400,
      401,
      example('forbidden', 'You cannot grant permissions you lack: session:delete'),
      example('forbidden', 'Only admins create API keys for other users'),
      example(
        'conflict',
        'Auth is off (auth.enabled: false), so no request is checked against an API key; turn auth on before minting keys',
      ),
      example(
        'invalid_request',
        'expires_at: Must not be later than 2026-03-31T09:00:00.000Z, when the credential creating it expires',
        {
          errors: [
            {
              path: 'expires_at',
              message:
                'Must not be later than 2026-03-31T09:00:00.000Z, when the credential creating it expires',
            },
          ],
        },
      ),
      example(
        'invalid_request',
        'bob already holds 100 active API keys (auth.managed_keys.max_per_user); revoke one first',
        {
          errors: [
            {
              path: 'user_id',
              message:
                'bob already holds 100 active API keys (auth.managed_keys.max_per_user); revoke one first',
            },
          ],
        },
      ),
    ),
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
  // Someone else's key answers 404 like a missing one, never 403: key ids cannot be probed.
  responses: {
    200: json(RevokedApiKeySchema, 'Revoked'),
    ...problems(401, example('not_found', 'No API key key_01hx3f9c2a7b')),
  },
})
