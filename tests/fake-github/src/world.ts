import { randomBytes } from 'node:crypto'
import { normalizeScopes } from './scopes.ts'

/** A GitHub user. `email` is the public address (GitHub sends `null` when none is public). */
export interface FakeUser {
  id: number
  login: string
  name?: string | null
  email?: string | null
  site_admin?: boolean
  /**
   * Personal access tokens. A string is a classic PAT with `read:user, read:org, repo`; an
   * object names its scopes, and `scopes: null` makes it fine-grained (no scopes reported).
   */
  tokens?: Array<string | { token: string; scopes: string[] | null }>
}

/** An organization; `members` adds logins beyond those who belong through a team. */
export interface FakeOrg {
  login: string
  id?: number
  description?: string | null
  members?: string[]
}

/** A team, addressed as `org/slug`. Pending members have an invitation but no membership yet. */
export interface FakeTeam {
  org: string
  slug: string
  name?: string
  id?: number
  description?: string | null
  members?: string[]
  maintainers?: string[]
  pending?: string[]
}

/** A registered OAuth App. Without `callback_url` every `redirect_uri` is accepted. */
export interface FakeApp {
  client_id: string
  client_secret: string
  name?: string
  callback_url?: string
}

/** A token GitHub would accept: a PAT or an OAuth token issued through the token endpoint. */
export interface TokenRecord {
  token: string
  login: string
  /** `null`: a fine-grained PAT, which has permissions rather than scopes. */
  scopes: string[] | null
  client_id: string | null
  revoked: boolean
}

/** An authorization code between the authorize redirect and the token exchange. */
export interface CodeRecord {
  code: string
  client_id: string
  login: string
  scopes: string[]
  redirect_uri: string | null
  code_challenge: string | null
  issued_at: number
  used: boolean
}

/** One call to a revocation endpoint that revoked something. */
export interface Revocation {
  kind: 'token' | 'grant'
  client_id: string
  login: string
  /** Every token this call revoked. */
  tokens: string[]
}

const CLASSIC_PAT_SCOPES = ['read:user', 'read:org', 'repo']
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A prefix and random characters of GitHub's token alphabet, the shape of real tokens.
 *
 * @example
 * randomToken('gho_') // 'gho_' + 36 characters
 */
export function randomToken(prefix: string, length = 36): string {
  const bytes = randomBytes(length)
  return prefix + Array.from(bytes, (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')
}

/**
 * Everything the fake GitHub knows: accounts, apps, tokens, codes and who consented to what.
 * Handlers read and change it; tests inspect it.
 *
 * @example
 * const world = new World({ users: [{ id: 1, login: 'octocat' }] })
 * world.token(world.addToken('octocat'))?.login // 'octocat'
 */
export class World {
  readonly users: FakeUser[]
  readonly orgs: FakeOrg[]
  readonly teams: FakeTeam[]
  readonly apps: FakeApp[]
  readonly revocations: Revocation[] = []
  readonly #tokens = new Map<string, TokenRecord>()
  readonly #codes = new Map<string, CodeRecord>()
  /** `login client_id` → scopes the user granted the app. */
  readonly #consents = new Map<string, string[]>()

  constructor(input: {
    users?: FakeUser[]
    orgs?: FakeOrg[]
    teams?: FakeTeam[]
    apps?: FakeApp[]
  }) {
    this.users = input.users ?? []
    this.teams = (input.teams ?? []).map((team, i) => ({ ...team, id: team.id ?? 2000 + i }))
    const orgs = [...(input.orgs ?? [])]
    for (const team of this.teams) {
      const known = orgs.some((org) => org.login.toLowerCase() === team.org.toLowerCase())
      if (!known) orgs.push({ login: team.org })
    }
    this.orgs = orgs.map((org, i) => ({ ...org, id: org.id ?? 1000 + i }))
    this.apps = input.apps ?? []
    for (const user of this.users) {
      for (const pat of user.tokens ?? []) {
        const { token, scopes } = typeof pat === 'string' ? { token: pat, scopes: null } : pat
        const granted = typeof pat === 'string' ? CLASSIC_PAT_SCOPES : scopes
        this.#tokens.set(token, {
          token,
          login: user.login,
          scopes: granted,
          client_id: null,
          revoked: false,
        })
      }
    }
  }

  user(login: string): FakeUser | undefined {
    return this.users.find((user) => user.login.toLowerCase() === login.toLowerCase())
  }

  app(clientId: string): FakeApp | undefined {
    return this.apps.find((app) => app.client_id === clientId)
  }

  /** The live record for a token, or undefined when GitHub would answer "Bad credentials". */
  token(token: string): TokenRecord | undefined {
    const record = this.#tokens.get(token)
    return record && !record.revoked ? record : undefined
  }

  /** Adds a token for a user (tests use it for PATs made mid-test). */
  addToken(
    login: string,
    scopes: string[] | null = CLASSIC_PAT_SCOPES,
    clientId: string | null = null,
  ): string {
    const token = randomToken(clientId ? 'gho_' : 'ghp_')
    this.#tokens.set(token, { token, login, scopes, client_id: clientId, revoked: false })
    return token
  }

  /** OAuth tokens issued through the token endpoint and not revoked, oldest first. */
  oauthTokens(): TokenRecord[] {
    return [...this.#tokens.values()].filter(
      (record) => record.client_id !== null && !record.revoked,
    )
  }

  issueCode(input: Omit<CodeRecord, 'code' | 'used'>): string {
    const code = randomBytes(10).toString('hex')
    this.#codes.set(code, { ...input, code, used: false })
    this.#consents.set(`${input.login} ${input.client_id}`, input.scopes)
    return code
  }

  code(code: string): CodeRecord | undefined {
    return this.#codes.get(code)
  }

  /** Scopes the user already granted the app, or undefined when they never did. */
  consent(login: string, clientId: string): string[] | undefined {
    return this.#consents.get(`${login} ${clientId}`)
  }

  issueOAuthToken(code: CodeRecord): TokenRecord {
    code.used = true
    const token = randomToken('gho_')
    const record = {
      token,
      login: code.login,
      scopes: normalizeScopes(code.scopes),
      client_id: code.client_id,
      revoked: false,
    }
    this.#tokens.set(token, record)
    return record
  }

  /** Revokes one OAuth token, or (grant) every token of that user for the app and the consent. */
  revoke(kind: 'token' | 'grant', record: TokenRecord): Revocation {
    const clientId = record.client_id ?? ''
    const hit =
      kind === 'token'
        ? [record]
        : [...this.#tokens.values()].filter(
            (other) =>
              !other.revoked && other.login === record.login && other.client_id === clientId,
          )
    for (const each of hit) each.revoked = true
    if (kind === 'grant') this.#consents.delete(`${record.login} ${clientId}`)
    const revocation = {
      kind,
      client_id: clientId,
      login: record.login,
      tokens: hit.map((each) => each.token),
    }
    this.revocations.push(revocation)
    return revocation
  }

  /** Teams the user belongs to (an accepted membership), with whether they maintain it. */
  teamsOf(login: string): FakeTeam[] {
    const same = (other: string) => other.toLowerCase() === login.toLowerCase()
    return this.teams.filter(
      (team) => (team.members ?? []).some(same) || (team.maintainers ?? []).some(same),
    )
  }

  /** Orgs the user belongs to: listed as a member, or through any team of the org. */
  orgsOf(login: string): FakeOrg[] {
    const viaTeams = new Set(this.teamsOf(login).map((team) => team.org.toLowerCase()))
    return this.orgs.filter(
      (org) =>
        viaTeams.has(org.login.toLowerCase()) ||
        (org.members ?? []).some((member) => member.toLowerCase() === login.toLowerCase()),
    )
  }

  org(login: string): FakeOrg | undefined {
    return this.orgs.find((org) => org.login.toLowerCase() === login.toLowerCase())
  }
}
