import type { FakeGitHubOptions } from './server.ts'

/**
 * A small world for trying things by hand and for the OAuth demo: an admin, a developer and an
 * outsider, one org with two teams, and one OAuth App whose callback is any loopback port.
 * The tokens are fake and well known on purpose.
 *
 * @example
 * const github = await startFakeGitHub(demoWorld())
 */
export function demoWorld(): FakeGitHubOptions {
  return {
    users: [
      {
        id: 1001,
        login: 'alice',
        name: 'Alice Admin',
        email: 'alice@example.com',
        tokens: ['ghp_alice000000000000000000000000000000'],
      },
      {
        id: 1002,
        login: 'bob',
        name: 'Bob Builder',
        email: null,
        tokens: ['ghp_bob00000000000000000000000000000000'],
      },
      { id: 1003, login: 'carol', name: null, tokens: ['ghp_carol000000000000000000000000000000'] },
    ],
    orgs: [{ login: 'acme', description: 'The demo organization' }],
    teams: [
      { org: 'acme', slug: 'platform-admins', name: 'Platform Admins', maintainers: ['alice'] },
      { org: 'acme', slug: 'developers', name: 'Developers', members: ['alice', 'bob'] },
    ],
    apps: [
      {
        client_id: 'Ov23demo0000000000',
        client_secret: 'demo-secret-not-for-production',
        name: 'agentapi-proxy demo',
        callback_url: 'http://127.0.0.1/',
      },
    ],
  }
}
