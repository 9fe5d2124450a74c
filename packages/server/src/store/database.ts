import type { Generated } from 'kysely'

/**
 * Table types for Kysely. Columns use only types SQLite and PostgreSQL store alike, so one query
 * builder path serves both: JSON as text, booleans as 0/1, timestamps as ISO-8601 text (always
 * `toISOString()` form, so text order is time order).
 */
export interface SessionsTable {
  session_id: string
  user_id: string
  owner_role: string | null
  status: string
  agent_status: string | null
  agent: string
  agent_type: string
  repository: string | null
  /** JSON object; also exploded into `session_tags` for filtering. */
  tags: string
  /** JSON object; secret-looking values sealed (`enc:v1:…`). */
  environment: string
  /** JSON object of MCP servers (migration 0007); `env` and `headers` values sealed. */
  mcp_servers: string
  initial_message: string | null
  initial_message_sent: number
  agent_url: string | null
  /** JSON object, the provisioner's (migration 0006). */
  handle: string | null
  owner: string | null
  lease_until: string | null
  /** Sealed (`enc:v1:…`) when the store has a key. */
  agent_secret: string | null
  started_at: string
  last_activity_at: string
  stopped_at: string | null
  exit_code: number | null
  error: string | null
  /** JSON array of strings. */
  log_tail: string
}

/** One row per tag of a session: what `/search?tag.k=v` filters through an index. */
export interface SessionTagsTable {
  session_id: string
  key: string
  value: string
  /** A copy of the session's, so one index serves both the filter and the page order. */
  started_at: string
}

/** The session event log (migration 0009): one row per change, numbered in commit order. */
export interface SessionEventsTable {
  /** Assigned by the database (autoincrement / bigserial; pg reads a bigint as a string). */
  id: Generated<number | string>
  at: string
  session_id: string
  user_id: string
  type: string
  /** JSON of the session's summary right after the change. */
  summary: string
}

/** Facts about the store itself, such as the check value of the encryption key. */
export interface StoreMetaTable {
  name: string
  value: string
}

/** Managed API keys (see `ApiKeyRow`); the key itself only as its SHA-256. */
export interface ApiKeysTable {
  id: string
  name: string
  prefix: string
  /** Hex SHA-256 of the key. */
  hash: string
  user_id: string
  role: string
  /** JSON array of permissions. */
  permissions: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
  /** The credential that minted the key (migration 0004); null for older rows. */
  created_by: string | null
}

/** Pending OAuth sign-ins (see `OAuthStateRow`). */
export interface OAuthStatesTable {
  /** Hex SHA-256 of the `state` sent to GitHub. */
  state_hash: string
  redirect_uri: string
  created_at: string
  expires_at: string
}

/** Issued OAuth tokens (see `OAuthTokenRow`). */
export interface OAuthTokensTable {
  id: string
  family_id: string
  /** Hex SHA-256 of the access token. */
  access_hash: string
  /** Hex SHA-256 of the refresh token. */
  refresh_hash: string
  user_id: string
  login: string
  name: string | null
  role: string
  /** JSON array of permissions. */
  permissions: string
  /** GitHub's token, always sealed (`enc:v1:…`). */
  github_token: string
  created_at: string
  expires_at: string
  refresh_expires_at: string
  revoked_at: string | null
}

/** Read-only share links (migration 0010): the token only as its SHA-256, never in clear. */
export interface SessionSharesTable {
  id: string
  session_id: string
  prefix: string
  /** Hex SHA-256 of the token. */
  hash: string
  /** The user who created the link. */
  created_by: string
  created_at: string
  expires_at: string
  revoked_at: string | null
}

/** Every table the proxy's database holds. */
/** The audit log (migration 0008): appended, never updated; see `AuditEntry`. */
export interface AuditLogTable {
  id: string
  at: string
  action: string
  user_id: string
  auth_method: string
  target: string | null
  source: string | null
  request_id: string | null
}

export interface Database {
  sessions: SessionsTable
  session_tags: SessionTagsTable
  session_events: SessionEventsTable
  store_meta: StoreMetaTable
  api_keys: ApiKeysTable
  oauth_states: OAuthStatesTable
  oauth_tokens: OAuthTokensTable
  session_shares: SessionSharesTable
  audit_log: AuditLogTable
}

/** The SQL backends a store can run on. */
export type SqlDialectName = 'sqlite' | 'postgres'
