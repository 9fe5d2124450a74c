import { randomUUID } from 'node:crypto'
import type { SessionRecord } from './session-record.ts'

/**
 * A session record with every field set to something a mistake would change: the contract
 * tests, the SQL tests and the search benchmark all build their rows from it.
 */
export function sampleRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    session_id: randomUUID(),
    user_id: 'alice',
    owner_role: 'developer',
    status: 'active',
    agent_status: 'stable',
    agent: 'echo',
    agent_type: 'claude',
    repository: 'octo/widgets',
    tags: { team: 'infra', 'ticket.id': 'OPS-12', note: 'quotes " and ünïcödé ✓' },
    environment: { LOG_LEVEL: 'debug', GITHUB_TOKEN: 'ghp_sample', EMPTY: '' },
    mcp_servers: {
      docs: {
        type: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer s' },
      },
      files: {
        type: 'stdio',
        command: 'npx',
        args: ['-y', 'files-mcp'],
        env: { FILES_TOKEN: 't' },
      },
    },
    initial_message: 'Fix the flaky test',
    initial_message_sent: true,
    agent_url: 'http://127.0.0.1:9001',
    handle: { pid: 4242, port: 9001, workdir: '/srv/sessions/abc', nested: { ok: true } },
    owner: 'replica-a',
    lease_until: '2026-03-01T10:06:00.000Z',
    agent_secret: 'sample-agent-secret',
    started_at: '2026-03-01T10:00:00.000Z',
    last_activity_at: '2026-03-01T10:05:00.000Z',
    stopped_at: '2026-03-01T11:00:00.000Z',
    exit_code: 0,
    error: 'none so far',
    log_tail: ['line 1', '', 'line "3"'],
    ...overrides,
  }
}

/** The same record with every nullable field null and every collection empty. */
export function sparseRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return sampleRecord({
    owner_role: null,
    agent_status: null,
    repository: null,
    tags: {},
    environment: {},
    mcp_servers: {},
    initial_message: null,
    initial_message_sent: false,
    agent_url: null,
    handle: null,
    owner: null,
    lease_until: null,
    agent_secret: null,
    stopped_at: null,
    exit_code: null,
    error: null,
    log_tail: [],
    ...overrides,
  })
}

/** An ISO timestamp `minutes` after a fixed origin, so order is obvious in failures. */
export function minutesIn(minutes: number): string {
  return new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString()
}
