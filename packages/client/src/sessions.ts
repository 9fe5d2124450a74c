import type {
  DeleteSessionResponse,
  SearchResponse,
  Session,
  SessionEvent,
  SessionLogs,
  StartSessionRequest,
  WaitEventsQuery,
  WaitEventsResponse,
} from '@agentapi-proxy/shared'
import { type SearchOptions, searchParams } from './search-params.ts'
import { type SessionEventsOptions, sessionEvents, waitForSessionEvents } from './session-events.ts'
import { segment, type Transport } from './transport.ts'

/**
 * Options of `logs()`.
 *
 * @example
 * const { lines } = await client.logs(id, { tail: 50 })
 */
export interface LogsOptions {
  /** How many of the last lines (1–10 000); the server's default is 200. */
  tail?: number
}

/**
 * The session routes: start, find, inspect, read logs, stop.
 *
 * @example
 * const session = await client.start({ tags: { team: 'infra' } })
 */
export interface SessionsApi {
  /**
   * `POST /start` → 201: the new session, usually still `starting`.
   *
   * @example
   * const { session_id } = await client.start({ message: 'Fix the flaky test', repository: 'o/r' })
   */
  start(body?: StartSessionRequest): Promise<Session>
  /**
   * `GET /search`: one page, newest first; `tags` filter as `tag.<key>=<value>`.
   *
   * @example
   * let page = await client.search({ tags: { team: 'infra' } })
   * while (page.next_cursor) page = await client.search({ cursor: page.next_cursor })
   */
  search(query?: SearchOptions): Promise<SearchResponse>
  /**
   * `GET /sessions/{id}`: the session, with exit code and last log lines when it failed.
   *
   * @example
   * const { status, error } = await client.getSession(id)
   */
  getSession(sessionId: string): Promise<Session>
  /**
   * `GET /sessions/{id}/logs`: the tail of the agent's stdout and stderr.
   *
   * @example
   * for (const line of (await client.logs(id, { tail: 20 })).lines) console.log(line)
   */
  logs(sessionId: string, options?: LogsOptions): Promise<SessionLogs>
  /**
   * `DELETE /sessions/{id}`: resolves once the agent has stopped.
   *
   * @example
   * await client.deleteSession(id) // { session_id: id, status: 'terminated' }
   */
  deleteSession(sessionId: string): Promise<DeleteSessionResponse>
  /**
   * `GET /sessions/events`: every change of a session you may see (`created`, `status`,
   * `agent_status`, `deleted`), as it happens, from any replica. Reconnects after a dropped
   * connection and resumes where it was; a `reset` event means changes were missed anyway.
   *
   * @example
   * const controller = new AbortController()
   * for await (const event of client.sessionEvents({ signal: controller.signal })) {
   *   if (event.type !== 'reset') console.log(event.type, event.session.session_id)
   * }
   */
  sessionEvents(options?: SessionEventsOptions): AsyncGenerator<SessionEvent, void, undefined>
  /**
   * `GET /sessions/events/wait`: the events after `after` at once, else the next ones within
   * `timeout` seconds (≤ 60), else none; pass `latest_id` as `after` next time.
   *
   * @example
   * let after = (await client.waitForSessionEvents({ timeout: 0 })).latest_id
   * const { events, latest_id } = await client.waitForSessionEvents({ after, timeout: 30 })
   */
  waitForSessionEvents(query?: WaitEventsQuery, signal?: AbortSignal): Promise<WaitEventsResponse>
}

/**
 * The session methods over a transport.
 *
 * @example
 * const api = sessionsApi(transport)
 */
export function sessionsApi(transport: Transport): SessionsApi {
  return {
    start: (body = {}) => transport.json<Session>('POST', 'start', { json: body }),
    search: (query) =>
      transport.json<SearchResponse>('GET', 'search', { searchParams: searchParams(query) }),
    getSession: (id) => transport.json<Session>('GET', `sessions/${segment(id)}`),
    logs: (id, { tail } = {}) =>
      transport.json<SessionLogs>('GET', `sessions/${segment(id)}/logs`, {
        ...(tail === undefined ? {} : { searchParams: { tail } }),
      }),
    deleteSession: (id) =>
      transport.json<DeleteSessionResponse>('DELETE', `sessions/${segment(id)}`),
    sessionEvents: (options) => sessionEvents(transport, options),
    waitForSessionEvents: (query, signal) => waitForSessionEvents(transport, query, signal),
  }
}
