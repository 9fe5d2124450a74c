import { z } from 'zod'
import { PermissionSchema, RoleSchema } from './auth.ts'
import { TimestampSchema, UserIdSchema } from './common.ts'

/**
 * `POST /api-keys`: a user creates keys for themselves; an admin for anyone.
 *
 * @example
 * const body: CreateApiKeyRequest = { name: 'ci', expires_at: '2027-01-01T00:00:00Z' }
 */
export const CreateApiKeyRequestSchema = z
  .strictObject({
    name: z.string().min(1).max(128).meta({ example: 'laptop' }),
    user_id: UserIdSchema.optional().meta({ description: 'Owner; another user needs admin' }),
    role: RoleSchema.optional(),
    permissions: z.array(PermissionSchema).max(8).optional(),
    expires_at: TimestampSchema.optional(),
  })
  .meta({
    id: 'CreateApiKeyRequest',
    example: {
      name: 'ci',
      permissions: ['session:create', 'session:list'],
      expires_at: '2027-01-01T00:00:00Z',
    },
  })
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>

/**
 * An API key as listed: never its secret, only a prefix to recognise it by.
 *
 * @example
 * const { api_keys } = await client.listApiKeys()
 */
export const ApiKeySchema = z
  .object({
    id: z.string().meta({ example: 'key_01hx…' }),
    name: z.string(),
    prefix: z.string().meta({ description: 'First characters of the key', example: 'ap_3f9c' }),
    user_id: UserIdSchema,
    role: RoleSchema,
    permissions: z.array(PermissionSchema),
    created_at: TimestampSchema,
    expires_at: TimestampSchema.nullable(),
    last_used_at: TimestampSchema.nullable(),
  })
  .meta({ id: 'ApiKey' })
export type ApiKey = z.infer<typeof ApiKeySchema>

/**
 * The one response that carries the secret: store it now, it is never shown again.
 *
 * @example
 * const { key } = await client.createApiKey({ name: 'ci' })
 */
export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().meta({ description: 'The secret, shown once' }),
}).meta({ id: 'CreatedApiKey' })
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>

/**
 * `GET /api-keys?limit&cursor`: oldest first, one page at a time.
 *
 * @example
 * const q: ApiKeyListQuery = { limit: 100 }
 */
export const ApiKeyListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(512).optional().meta({ description: 'From `next_cursor`' }),
})
/** What a client may send to `GET /api-keys`; the server fills in `limit`. */
export type ApiKeyListQuery = { limit?: number; cursor?: string }

/**
 * `GET /api-keys`: one page; `next_cursor` is null on the last.
 *
 * @example
 * let page = await client.listApiKeys()
 * while (page.next_cursor) page = await client.listApiKeys({ cursor: page.next_cursor })
 */
export const ApiKeyListSchema = z
  .object({
    api_keys: z.array(ApiKeySchema),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' }),
  })
  .meta({ id: 'ApiKeyList' })
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>

/**
 * `DELETE /api-keys/:id`: the key stops working at once.
 *
 * @example
 * const r: RevokedApiKey = { id: 'key_01hx…', status: 'revoked' }
 */
export const RevokedApiKeySchema = z
  .object({ id: z.string(), status: z.literal('revoked') })
  .meta({ id: 'RevokedApiKey' })
export type RevokedApiKey = z.infer<typeof RevokedApiKeySchema>
