import type { AgentStatus, Environment, SessionStatus } from '@agentapi-proxy/shared'
import { openEnvironment, sealEnvironment } from '../secrets/environment.ts'
import { openMcpServers, sealMcpServers } from '../secrets/mcp-servers.ts'
import { isSealed, type SecretBox, SecretBoxError } from '../secrets/secret-box.ts'
import type { SessionsTable } from './database.ts'
import type { SessionRecord } from './session-record.ts'

/** How environment values are protected on their way to and from a row. */
export interface RowSecrets {
  box?: SecretBox | undefined
}

/**
 * The columns for (part of) a record. Fields left out, or undefined, are left out of the result,
 * which Kysely then leaves out of the statement.
 */
export function toColumns(
  record: Partial<SessionRecord>,
  secrets: RowSecrets,
): Partial<SessionsTable> {
  const {
    tags,
    environment,
    mcp_servers,
    log_tail,
    initial_message_sent,
    agent_secret,
    handle,
    ...plain
  } = record
  const columns: Partial<SessionsTable> = { ...plain }
  if (handle !== undefined) columns.handle = handle === null ? null : JSON.stringify(handle)
  if (agent_secret !== undefined) columns.agent_secret = sealSecret(agent_secret, secrets)
  if (tags !== undefined) columns.tags = JSON.stringify(tags)
  if (environment !== undefined) columns.environment = JSON.stringify(seal(environment, secrets))
  if (mcp_servers !== undefined)
    columns.mcp_servers = JSON.stringify(sealMcpServers(mcp_servers, secrets.box))
  if (log_tail !== undefined) columns.log_tail = JSON.stringify(log_tail)
  if (initial_message_sent !== undefined)
    columns.initial_message_sent = initial_message_sent ? 1 : 0
  return columns
}

/** A full row for an insert. */
export function toRow(record: SessionRecord, secrets: RowSecrets): SessionsTable {
  return toColumns(record, secrets) as SessionsTable
}

/** The record a row holds, with sealed environment values opened. */
export function fromRow(row: SessionsTable, secrets: RowSecrets): SessionRecord {
  return {
    session_id: row.session_id,
    user_id: row.user_id,
    owner_role: row.owner_role,
    status: row.status as SessionStatus,
    agent_status: row.agent_status as AgentStatus,
    agent: row.agent,
    agent_type: row.agent_type,
    repository: row.repository,
    tags: JSON.parse(row.tags),
    environment: openEnvironment(JSON.parse(row.environment), secrets.box),
    mcp_servers: openMcpServers(JSON.parse(row.mcp_servers), secrets.box),
    initial_message: row.initial_message,
    initial_message_sent: row.initial_message_sent === 1,
    agent_url: row.agent_url,
    handle: row.handle === null ? null : JSON.parse(row.handle),
    owner: row.owner,
    lease_until: row.lease_until,
    agent_secret: openSecret(row.agent_secret, secrets),
    started_at: row.started_at,
    last_activity_at: row.last_activity_at,
    stopped_at: row.stopped_at,
    exit_code: row.exit_code,
    error: row.error,
    log_tail: JSON.parse(row.log_tail),
  }
}

function sealSecret(secret: string | null, secrets: RowSecrets): string | null {
  return secret !== null && secrets.box ? secrets.box.seal(secret) : secret
}

function openSecret(stored: string | null, secrets: RowSecrets): string | null {
  if (stored === null || !isSealed(stored)) return stored
  if (!secrets.box)
    throw new SecretBoxError('agent_secret is stored encrypted but no key is configured')
  return secrets.box.open(stored)
}

function seal(environment: Environment, secrets: RowSecrets): Environment {
  return secrets.box ? sealEnvironment(environment, secrets.box) : environment
}
