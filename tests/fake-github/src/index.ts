export type { ConsentChoice } from './consent.ts'
export { submitConsent } from './consent.ts'
export { demoWorld } from './demo.ts'
export { hasAnyScope, normalizeScopes, parseScopes } from './scopes.ts'
export type { FakeGitHub, FakeGitHubOptions, RecordedRequest } from './server.ts'
export { startFakeGitHub } from './server.ts'
export { CODE_TTL_MS } from './token-endpoint.ts'
export type {
  CodeRecord,
  FakeApp,
  FakeOrg,
  FakeTeam,
  FakeUser,
  Revocation,
  TokenRecord,
} from './world.ts'
export { World } from './world.ts'
