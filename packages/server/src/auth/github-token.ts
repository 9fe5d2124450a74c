import type { GitHubClient, GitHubTeam } from './github-client.ts'
import type { Principal } from './principal.ts'
import { hashSecret } from './secret.ts'
import { mapTeams, type UserMapping } from './team-mapping.ts'

/** Who a GitHub token belongs to, and what they may do here. */
export interface GitHubIdentity {
  principal: Principal
  login: string
  name: string | null
}

/** A cached identity and when it stops being trusted (ms since the epoch). */
export interface CachedIdentity {
  identity: GitHubIdentity
  expires_at: number
}

/** What {@link GitHubTokenResolver} needs. */
export interface GitHubTokenResolverOptions {
  client: GitHubClient
  mapping: UserMapping
  /** How long an answer from GitHub is reused. Default 60 s: team changes show within a minute. */
  cacheTtlMs?: number
  clock?: () => number
  /**
   * The cache, keyed by the SHA-256 of the token — never the token, so a heap dump or a debug
   * print of the cache leaks no credential. Pass one in to inspect it in tests.
   */
  cache?: Map<string, CachedIdentity>
}

// Entries beyond this are swept (expired first, then oldest) so a flood of tokens cannot grow
// memory without bound.
const MAX_CACHED = 10_000

/**
 * Resolves a GitHub token (personal, or the one OAuth got) to a principal: the user by GitHub's
 * numeric id, the role and permissions from their teams. Answers are cached briefly, and
 * concurrent look-ups of one token share a single round of GitHub calls.
 *
 * @example
 * const resolver = new GitHubTokenResolver({ client, mapping: config.auth.github.user_mapping })
 * const { principal } = await resolver.resolve('ghp_…') // principal.user_id === '583231'
 */
export class GitHubTokenResolver {
  readonly #client: GitHubClient
  readonly #mapping: UserMapping
  readonly #ttl: number
  readonly #clock: () => number
  readonly #cache: Map<string, CachedIdentity>
  readonly #pending = new Map<string, Promise<GitHubIdentity>>()

  constructor(options: GitHubTokenResolverOptions) {
    this.#client = options.client
    this.#mapping = options.mapping
    this.#ttl = options.cacheTtlMs ?? 60_000
    this.#clock = options.clock ?? Date.now
    this.#cache = options.cache ?? new Map()
  }

  /** The identity behind the token; throws `unauthorized` when GitHub refuses it. */
  async resolve(token: string): Promise<GitHubIdentity> {
    const key = hashSecret(token)
    const cached = this.#cache.get(key)
    if (cached && cached.expires_at > this.#clock()) return cached.identity
    const pending = this.#pending.get(key)
    if (pending) return pending
    const lookup = this.#lookup(token).finally(() => this.#pending.delete(key))
    this.#pending.set(key, lookup)
    const identity = await lookup
    this.#remember(key, identity)
    return identity
  }

  /** Drops a token's cached identity (after logout, so a revoked token is not trusted on). */
  forget(token: string): void {
    this.#cache.delete(hashSecret(token))
  }

  async #lookup(token: string): Promise<GitHubIdentity> {
    const needsTeams = Object.keys(this.#mapping.team_role_mapping).length > 0
    const [user, teams] = await Promise.all([
      this.#client.user(token),
      needsTeams ? this.#client.teams(token) : Promise.resolve<GitHubTeam[]>([]),
    ])
    const { role, permissions } = mapTeams(teams, this.#mapping)
    const principal: Principal = {
      user_id: String(user.id),
      role,
      permissions,
      auth_type: 'github',
    }
    return { principal, login: user.login, name: user.name }
  }

  #remember(key: string, identity: GitHubIdentity): void {
    const now = this.#clock()
    this.#cache.set(key, { identity, expires_at: now + this.#ttl })
    if (this.#cache.size <= MAX_CACHED) return
    for (const [other, entry] of this.#cache) if (entry.expires_at <= now) this.#cache.delete(other)
    for (const other of this.#cache.keys()) {
      if (this.#cache.size <= MAX_CACHED) break
      this.#cache.delete(other)
    }
  }
}
