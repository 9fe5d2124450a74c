import type { AuthStatusResponse } from '@agentapi-proxy/client'
import { h } from '../elements.ts'
import type { SignedIn } from '../sign-in.ts'

/**
 * Who the proxy says the caller is (`GET /auth/status`): the GitHub account, the role the
 * proxy gave it, and what that role may do.
 */
export function whoAmI(signedIn: SignedIn, status: AuthStatusResponse): HTMLElement {
  const permissions = status.permissions.map((permission) =>
    h('span', { className: 'tag' }, permission === '*' ? '* (everything)' : permission),
  )
  return h(
    'div',
    { className: 'who-am-i' },
    h(
      'div',
      {},
      h('strong', { className: 'user-name' }, signedIn.name ?? signedIn.login),
      ' ',
      h('span', { className: 'login' }, `@${signedIn.login}`),
      ' ',
      h('span', { className: 'pill role', title: 'Role' }, status.role),
    ),
    h(
      'div',
      { className: 'permissions', title: `Signed in with ${status.auth_type}` },
      h('span', { className: 'fine' }, `GitHub id ${status.user_id} · permissions`),
      ...permissions,
    ),
  )
}
