/**
 * The typed client SDK arrives with its own issue; until then the package re-exports the shared
 * contract's types so applications can already type their calls.
 */
export type {
  Problem,
  SearchResponse,
  Session,
  SessionSummary,
  StartSessionRequest,
} from '@agentapi-proxy/shared'
