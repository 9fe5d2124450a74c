export type { ApiKeyRow, ApiKeyStore } from './api-key-store.ts'
export { MemoryApiKeyStore } from './api-key-store.ts'
export type { ApiKeyServiceOptions } from './api-keys.ts'
export { API_KEY_PREFIX, ApiKeyService, generateApiKey } from './api-keys.ts'
export type {
  AuthConfig,
  Authenticate,
  AuthenticatorDeps,
  RequestHeaders,
} from './authenticate.ts'
export { authStatus, authTypes, createAuthenticator } from './authenticate.ts'
export type {
  GitHubApp,
  GitHubClientOptions,
  GitHubTeam,
  GitHubUser,
} from './github-client.ts'
export { GitHubClient } from './github-client.ts'
export type { CodeExchange } from './github-code-exchange.ts'
export { exchangeCode } from './github-code-exchange.ts'
export type { OAuthConfig, OAuthServiceOptions } from './github-oauth.ts'
export { OAuthService } from './github-oauth.ts'
export type {
  CachedIdentity,
  GitHubIdentity,
  GitHubTokenResolverOptions,
} from './github-token.ts'
export { GitHubTokenResolver } from './github-token.ts'
export type {
  OAuthStateRow,
  OAuthStateStore,
  OAuthTokenRow,
  OAuthTokenStore,
} from './oauth-store.ts'
export { MemoryOAuthStateStore, MemoryOAuthTokenStore } from './oauth-store.ts'
export type { IssuedTokens, TokenLifetimes } from './oauth-tokens.ts'
export { issueTokens, OAUTH_ACCESS_PREFIX, OAUTH_REFRESH_PREFIX } from './oauth-tokens.ts'
export type { Principal } from './principal.ts'
export { ANONYMOUS_ADMIN, canAccess, hasPermission, isAdmin } from './principal.ts'
export { createSecret, hashSecret, secretMatches } from './secret.ts'
export type { StaticKeyEntry, StaticKeysOptions } from './static-keys.ts'
export { loadStaticKeys, StaticKeys } from './static-keys.ts'
export type { UserMapping } from './team-mapping.ts'
export { mapTeams, ROLE_RANK, roleRank, teamMatches } from './team-mapping.ts'
