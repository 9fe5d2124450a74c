import type { IncomingMessage, ServerResponse } from 'node:http'
import { AppError } from '../errors.ts'
import type { OpenLinks } from '../shares/open-links.ts'
import { type ResolvedShare, shareCredentialId } from '../shares/service.ts'
import { admitShared } from './admission.ts'
import type { Caller, ExchangeContext } from './caller.ts'
import { Exchange } from './exchange.ts'
import { requestIdOf } from './headers.ts'
import { answerPreflight, refuse } from './refusal.ts'

/** What the forwarder needs to serve `/s/<token>/…`. */
export interface SharedLinks {
  /** The link a token opens; throws `share_not_found` (404) or `share_expired` (410). */
  resolve(token: string): Promise<ResolvedShare>
  /** Counts the link's open exchanges and viewers on this replica. */
  links: OpenLinks
}

/** One request through a share link, before its token is resolved. */
export interface SharedRequest {
  req: IncomingMessage
  res: ServerResponse
  token: string
  /** The agent path after the token, with its query. */
  rest: string
}

// agentapi's reading routes. Anything else could change the conversation (message, upload) or
// reach an agent path nobody reviewed for read-only use.
const READABLE: ReadonlySet<string> = new Set(['/status', '/messages', '/events'])

/**
 * Serves `/s/<token>/<rest>`: a preflight is answered; anything but GET of a readable path is 403
 * before the token is even looked up; then the token is resolved (404 unknown or revoked, 410
 * expired), the session admitted as for its owner (503 starting, 410 ended), and the exchange
 * tracked under the link so that revoking or expiring it, or deleting the session, cuts it.
 *
 * @example
 * handleShared(context, shares, { req, res, token: 'aas_…', rest: '/events' })
 */
export function handleShared(
  context: ExchangeContext,
  shares: SharedLinks | undefined,
  request: SharedRequest,
): void {
  const { req, res, token, rest } = request
  const caller: Caller = {
    req,
    res,
    sessionId: '',
    rest,
    requestId: requestIdOf(req.headers['x-request-id']),
    // The token stays out of problem bodies and logs; its first characters say which link.
    base: `/s/${token.slice(0, 12)}…`,
    arrived: performance.now(),
    // Rewritten, `$schema` would name a path that holds either the token (never written into a
    // body: bodies get logged, cached and pasted) or the session id, which a link otherwise never
    // discloses and whose path the viewer, without credentials, could not open anyway. So a
    // viewer reads agentapi's bodies and Link byte for byte, as the agent wrote them.
    keepSchemaLinks: true,
  }
  if (context.cors.isPreflight(req.method, req.headers)) {
    answerPreflight(context, caller)
    return
  }
  const path = rest.split('?', 1)[0] ?? rest
  if (req.method !== 'GET' || !READABLE.has(path)) {
    const detail = 'A share link only reads: GET /status, /messages or /events'
    refuse(context, caller, new AppError('forbidden', detail))
    return
  }
  if (!shares) {
    refuse(context, caller, new AppError('share_not_found', 'This server has no share links'))
    return
  }
  forwardShared(context, shares, caller, token, path === '/events')
}

async function forwardShared(
  context: ExchangeContext,
  shares: SharedLinks,
  caller: Caller,
  token: string,
  viewer: boolean,
): Promise<void> {
  try {
    const share = await shares.resolve(token)
    const agent = await admitShared(context.directory, share.session_id)
    if (caller.res.destroyed) return
    const admitted = { ...caller, sessionId: share.session_id }
    track(context, shares, admitted, share, viewer)
    // Revoked between the lookup and now: the registry has cut it already.
    if (caller.res.destroyed) return
    new Exchange(context, admitted).start(agent.url, agent.secret)
  } catch (error) {
    refuse(context, caller, error)
  }
}

// Registered like a credential: revoking the link (here, or seen by the sweep of OpenLinks on
// another replica's revocation) cuts it, its expiry arms a timer, the session's DELETE ends it.
function track(
  context: ExchangeContext,
  shares: SharedLinks,
  caller: Caller,
  share: ResolvedShare,
  viewer: boolean,
): void {
  const { res } = caller
  const closed = shares.links.open(share.id, viewer)
  const released = context.streams?.register({
    sessionId: share.session_id,
    credential: {
      ids: [shareCredentialId(share.id)],
      expires_at: share.expires_at,
      minter_id: shareCredentialId(share.id),
      minter_expires_at: share.expires_at,
    },
    cut: () => res.destroy(),
  })
  res.once('close', () => {
    closed()
    released?.()
  })
}
