/**
 * Table types for Kysely. Columns use only types SQLite and PostgreSQL store alike, so one query
 * builder path serves both: JSON as text, booleans as 0/1, timestamps as ISO-8601 text (always
 * `toISOString()` form, so text order is time order).
 */
export interface SessionsTable {
  session_id: string
  user_id: string
  status: string
  agent_status: string | null
  agent: string
  agent_type: string
  repository: string | null
  /** JSON object; also exploded into `session_tags` for filtering. */
  tags: string
  /** JSON object; secret-looking values sealed (`enc:v1:…`). */
  environment: string
  initial_message: string | null
  initial_message_sent: number
  port: number | null
  pid: number | null
  workdir: string | null
  log_path: string | null
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

/** Facts about the store itself, such as the check value of the encryption key. */
export interface StoreMetaTable {
  name: string
  value: string
}

/** Every table the proxy's database holds. */
export interface Database {
  sessions: SessionsTable
  session_tags: SessionTagsTable
  store_meta: StoreMetaTable
}

/** The SQL backends a store can run on. */
export type SqlDialectName = 'sqlite' | 'postgres'
