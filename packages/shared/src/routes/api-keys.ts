import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import {
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
  summary: 'Your API keys (an admin sees everyone’s); never their secrets',
  security: authenticated,
  responses: { 200: json(ApiKeyListSchema, 'Keys'), ...problems(401, 403) },
})

export const createApiKey = createRoute({
  method: 'post',
  path: '/api-keys',
  tags: ['API keys'],
  summary: 'Create an API key; the secret is in this response only',
  security: authenticated,
  request: { body: jsonBody(CreateApiKeyRequestSchema) },
  responses: {
    201: json(CreatedApiKeySchema, 'The key, with its secret'),
    ...problems(400, 401, 403, 422),
  },
})

export const deleteApiKey = createRoute({
  method: 'delete',
  path: '/api-keys/{keyId}',
  tags: ['API keys'],
  summary: 'Revoke an API key',
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
