import { randomBytes } from 'node:crypto'
import {
  type CreatedShare,
  type CreateShareRequest,
  type RevokedShares,
  type Session,
  SHARE_DEFAULT_SECONDS,
  SHARE_MAX_SECONDS,
  type Share,
  type ShareList,
} from '@agentapi-proxy/shared'
import type { Principal } from '../auth/principal.ts'
import { createSecret, hashSecret, secretMatches } from '../auth/secret.ts'
import { AppError } from '../errors.ts'
import type { OpenLinks } from './open-links.ts'
import type { ShareRow, ShareStore } from './share-store.ts'

/**
 * Every share token starts with this, so a leaked one is recognisable (and never taken for an
 * API key, `aap_`).
 */
export const SHARE_TOKEN_PREFIX = 'aas_'

// The prefix and 8 of the 43 random characters: enough to tell links apart in a list.
const SHOWN_LENGTH = SHARE_TOKEN_PREFIX.length + 8

// A link expired this long ago is deleted when the next one is made: long enough to answer
// `share_expired` (not "unknown") to someone who opens it late, short enough to keep the table small.
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000

/**
 * The credential id a link's exchanges are registered under in the stream registry.
 *
 * @example
 * streams.revoke([shareCredentialId('shr_…')])
 */
export function shareCredentialId(shareId: string): string {
  return `share:${shareId}`
}

/** The sessions a share is made for, as the service that owns them answers. */
export interface SharedSessions {
  /** The session, or `session_not_found` when it is missing or not the caller's. */
  get(principal: Principal, sessionId: string): Promise<Session>
}

/** A token that let its holder in: which link, and which session it reads. */
export interface ResolvedShare {
  id: string
  session_id: string
  expires_at: string
}

/** What {@link ShareService} works with. */
export interface ShareServiceOptions {
  store: ShareStore
  sessions: SharedSessions
  links: OpenLinks
  /** Ends the open exchanges of these links at once (the stream registry's revoke). */
  cut(shareIds: readonly string[]): void
  clock?: () => number
}

/**
 * Read-only share links: create (the token is returned once and stored as its SHA-256), list
 * (never a token), revoke one or all, and resolve a presented token. Only someone who can see
 * the session may share it or see its links; anyone else gets the session's 404.
 *
 * @example
 * const { url } = await shares.create(principal, sessionId, { expires_in: 3600 }, 'https://proxy')
 */
export class ShareService {
  readonly #options: ShareServiceOptions
  readonly #clock: () => number

  constructor(options: ShareServiceOptions) {
    this.#options = options
    this.#clock = options.clock ?? Date.now
  }

  /** A new link to the session; `origin` makes its absolute `url`. */
  async create(
    principal: Principal,
    sessionId: string,
    request: CreateShareRequest,
    origin: string,
  ): Promise<CreatedShare> {
    const session = await this.#options.sessions.get(principal, sessionId)
    if (['stopping', 'stopped', 'failed'].includes(session.status)) {
      throw new AppError(
        'session_ended',
        `Session ${sessionId} has ended; there is nothing to share`,
        {
          ended: {
            status: session.status === 'failed' ? 'failed' : 'stopped',
            error: session.error ?? null,
          },
        },
      )
    }
    const now = this.#clock()
    const token = createSecret(SHARE_TOKEN_PREFIX)
    const row: ShareRow = {
      id: `shr_${randomBytes(12).toString('base64url')}`,
      session_id: sessionId,
      prefix: token.slice(0, SHOWN_LENGTH),
      hash: hashSecret(token),
      created_by: principal.user_id,
      created_at: new Date(now).toISOString(),
      expires_at: expiryFor(request, now),
      revoked_at: null,
    }
    await this.#options.store.sweep(new Date(now - KEEP_EXPIRED_MS).toISOString())
    await this.#options.store.insert(row)
    const path = `/s/${token}/`
    return { ...this.#toShare(row), token, path, url: new URL(path, origin).href }
  }

  /** The session's links that still work, oldest first. */
  async list(principal: Principal, sessionId: string): Promise<ShareList> {
    await this.#options.sessions.get(principal, sessionId)
    const now = new Date(this.#clock()).toISOString()
    const rows = await this.#options.store.listActive(sessionId, now)
    return { shares: rows.map((row) => this.#toShare(row)) }
  }

  /** Revokes one link (`shareId`) or every link of the session, and ends their streams. */
  async revoke(principal: Principal, sessionId: string, shareId?: string): Promise<RevokedShares> {
    await this.#options.sessions.get(principal, sessionId)
    const at = new Date(this.#clock()).toISOString()
    const { store } = this.#options
    let revoked: string[]
    if (shareId === undefined) revoked = await store.revokeAll(sessionId, at)
    else if (await store.revoke(sessionId, shareId, at)) revoked = [shareId]
    else throw new AppError('not_found', `No share link ${shareId} on session ${sessionId}`)
    this.#options.cut(revoked)
    return { revoked }
  }

  /**
   * The link a token opens. Throws `share_not_found` (404) for an unknown or revoked token and
   * `share_expired` (410) for an expired one.
   */
  async resolve(token: string): Promise<ResolvedShare> {
    const row = token.startsWith(SHARE_TOKEN_PREFIX)
      ? await this.#options.store.findByHash(hashSecret(token))
      : undefined
    // The explicit constant-time check keeps timing from telling anything, whatever the store.
    if (!row || !secretMatches(token, row.hash) || row.revoked_at !== null) {
      throw new AppError('share_not_found', 'This share link does not exist or was revoked')
    }
    if (Date.parse(row.expires_at) <= this.#clock()) {
      throw new AppError('share_expired', `This share link expired at ${row.expires_at}`)
    }
    return { id: row.id, session_id: row.session_id, expires_at: row.expires_at }
  }

  #toShare(row: ShareRow): Share {
    return {
      id: row.id,
      session_id: row.session_id,
      prefix: row.prefix,
      created_at: row.created_at,
      expires_at: row.expires_at,
      created_by: row.created_by,
      viewers: this.#options.links.viewers(row.id),
    }
  }
}

function expiryFor(request: CreateShareRequest, now: number): string {
  if (request.expires_at === undefined) {
    return new Date(now + (request.expires_in ?? SHARE_DEFAULT_SECONDS) * 1000).toISOString()
  }
  const at = Date.parse(request.expires_at)
  if (at <= now || at > now + SHARE_MAX_SECONDS * 1000) {
    const message = 'expires_at must be in the future and within 30 days'
    throw new AppError('invalid_request', message, { errors: [{ path: 'expires_at', message }] })
  }
  return new Date(at).toISOString()
}
