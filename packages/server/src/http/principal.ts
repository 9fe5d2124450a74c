import type { Permission } from '@agentapi-proxy/shared'
import type { Context, MiddlewareHandler } from 'hono'
import { assertPermission, type Principal } from '../auth/principal.ts'

/** Resolves the caller from request headers; throws AppError('unauthorized') when it cannot. */
export type Authenticate = (
  headers: Record<string, string | string[] | undefined>,
) => Promise<Principal>

declare module 'hono' {
  interface ContextVariableMap {
    /** Authenticates on first call, then answers from memory. */
    resolvePrincipal: () => Promise<Principal>
  }
}

/**
 * Authenticates lazily: public routes never pay for it, and a route that needs the caller gets
 * it (or the 401) from {@link requirePermission}.
 */
export function principalMiddleware(authenticate: Authenticate): MiddlewareHandler {
  return async (c, next) => {
    let resolved: Promise<Principal> | undefined
    c.set('resolvePrincipal', () => {
      resolved ??= authenticate(Object.fromEntries(c.req.raw.headers))
      return resolved
    })
    await next()
  }
}

/**
 * The caller, who must hold `permission` (403 naming it otherwise).
 *
 * @example
 * const principal = await requirePermission(c, 'session:create')
 */
export async function requirePermission(c: Context, permission: Permission): Promise<Principal> {
  const principal = await callerOf(c)
  assertPermission(principal, permission)
  return principal
}

/** The authenticated caller, whatever they may do. */
export function callerOf(c: Context): Promise<Principal> {
  return c.get('resolvePrincipal')()
}
