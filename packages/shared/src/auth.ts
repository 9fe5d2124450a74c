import { z } from 'zod'
import { UserIdSchema } from './common.ts'

/**
 * What a principal may do. `*` grants everything.
 *
 * @example
 * PermissionSchema.parse('session:create')
 */
export const PermissionSchema = z
  .enum(['session:create', 'session:list', 'session:delete', 'session:access', '*'])
  .meta({ id: 'Permission' })
export type Permission = z.infer<typeof PermissionSchema>

/**
 * A role name. `admin` sees and manages every session; any other role only its own.
 *
 * @example
 * RoleSchema.parse('developer')
 */
export const RoleSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'Roles are lower-case words')
  .meta({ example: 'member' })
export type Role = z.infer<typeof RoleSchema>

/**
 * The ways a caller can prove who they are.
 *
 * @example
 * AuthTypeSchema.parse('api_key')
 */
export const AuthTypeSchema = z.enum(['api_key', 'github', 'oauth']).meta({ id: 'AuthType' })
export type AuthType = z.infer<typeof AuthTypeSchema>

/**
 * `GET /auth/types`: which methods this server accepts.
 *
 * @example
 * const { enabled, types } = await client.authTypes()
 */
export const AuthTypesResponseSchema = z
  .object({
    enabled: z.boolean().meta({ description: 'False: every caller is an anonymous admin' }),
    types: z.array(
      z.object({
        type: AuthTypeSchema,
        name: z.string().meta({ example: 'API key' }),
        available: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'AuthTypesResponse' })
export type AuthTypesResponse = z.infer<typeof AuthTypesResponseSchema>

/**
 * `GET /auth/status`: who the caller is.
 *
 * @example
 * const me = await client.authStatus()
 * if (!me.permissions.includes('session:create')) throw new Error('ask an admin')
 */
export const AuthStatusResponseSchema = z
  .object({
    authenticated: z.boolean(),
    auth_type: AuthTypeSchema.or(z.literal('none')),
    user_id: UserIdSchema,
    role: RoleSchema,
    permissions: z.array(PermissionSchema),
  })
  .meta({ id: 'AuthStatusResponse' })
export type AuthStatusResponse = z.infer<typeof AuthStatusResponseSchema>
