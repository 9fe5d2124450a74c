import type { Config } from '../config/index.ts'
import type { Logger } from '../logger.ts'
import { type ApiKeyStore, MemoryApiKeyStore } from './api-key-store.ts'
import { ApiKeyService } from './api-keys.ts'
import { type Authenticate, createAuthenticator } from './authenticate.ts'
import { CredentialEvents } from './credential-events.ts'
import { GitHubClient } from './github-client.ts'
import { OAuthService } from './github-oauth.ts'
import { GitHubTokenResolver } from './github-token.ts'
import {
  MemoryOAuthStateStore,
  MemoryOAuthTokenStore,
  type OAuthStateStore,
  type OAuthTokenStore,
} from './oauth-store.ts'
import { loadRoleEnvFiles, type RoleEnv } from './role-env.ts'
import { loadStaticKeys, type StaticKeys } from './static-keys.ts'

/** Where auth keeps its rows; in memory unless the persistence layer passes its own. */
export interface AuthStores {
  apiKeys: ApiKeyStore
  oauthStates: OAuthStateStore
  oauthTokens: OAuthTokenStore
}

/** Everything the routes and the forwarder need to know who is calling. */
export interface Auth {
  authenticate: Authenticate
  apiKeys: ApiKeyService
  /** Revocations of keys and OAuth tokens, for the proxy to close the streams they hold open. */
  events: CredentialEvents
  /** Present when `auth.github.oauth` is configured. */
  oauth: OAuthService | undefined
  roleEnv: RoleEnv
  /** How many static keys were loaded (for the banner). */
  staticKeyCount: number
}

/** Files start-up has already read (see `preflight`), so they are read once and checked first. */
export interface LoadedAuthFiles {
  staticKeys: StaticKeys
  roleEnv: RoleEnv
}

/**
 * Reads the files auth needs (`auth.static.keys_file`, `role_env_files.path`): nothing is
 * written, so start-up calls it before anything that is.
 *
 * @example
 * const files = await loadAuthFiles(config)
 */
export async function loadAuthFiles(
  config: Readonly<Config>,
  cwd?: string,
): Promise<LoadedAuthFiles> {
  return {
    staticKeys: await loadStaticKeys(config.auth.static, cwd ? { cwd } : {}),
    roleEnv: loadRoleEnvFiles(config.role_env_files, cwd),
  }
}

/**
 * Builds the auth services the config turns on.
 *
 * @example
 * const auth = await authFromConfig(config, { logger })
 * const principal = await auth.authenticate(request.headers)
 */
export async function authFromConfig(
  config: Readonly<Config>,
  options: { logger: Logger; stores?: AuthStores; cwd?: string; files?: LoadedAuthFiles },
): Promise<Auth> {
  const { auth } = config
  const stores = options.stores ?? {
    apiKeys: new MemoryApiKeyStore(),
    oauthStates: new MemoryOAuthStateStore(),
    oauthTokens: new MemoryOAuthTokenStore(),
  }
  const { staticKeys, roleEnv } = options.files ?? (await loadAuthFiles(config, options.cwd))
  const events = new CredentialEvents()
  const apiKeys = new ApiKeyService({
    store: stores.apiKeys,
    staticKeys,
    events,
    maxPerUser: auth.managed_keys.max_per_user,
    logger: options.logger,
  })
  const github = new GitHubClient({ baseUrl: auth.github.base_url })
  const resolver = new GitHubTokenResolver({ client: github, mapping: auth.github.user_mapping })
  const oauth = auth.github.oauth
    ? new OAuthService({
        oauth: auth.github.oauth,
        github,
        resolver,
        states: stores.oauthStates,
        tokens: stores.oauthTokens,
        logger: options.logger,
        events,
      })
    : undefined
  return {
    authenticate: createAuthenticator(auth, { staticKeys, apiKeys, oauth, githubTokens: resolver }),
    apiKeys,
    events,
    oauth,
    roleEnv,
    staticKeyCount: staticKeys.size,
  }
}
