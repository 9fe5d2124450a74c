import { z } from 'zod'
import {
  EnvironmentSchema,
  RESERVED_TAG_KEY,
  SessionIdSchema,
  TagsSchema,
  TimestampSchema,
  UserIdSchema,
} from './common.ts'
import { McpServersSchema } from './mcp-servers.ts'

/**
 * Where a session is in its life: `starting → active → stopping → stopped`, or `failed`;
 * `suspended` while the proxy is down and will restore it.
 *
 * @example
 * SessionStatusSchema.parse('active')
 */
export const SessionStatusSchema = z
  .enum(['starting', 'active', 'stopping', 'stopped', 'failed', 'suspended'])
  .meta({ id: 'SessionStatus' })
export type SessionStatus = z.infer<typeof SessionStatusSchema>

/**
 * The statuses of a session that has not ended: what `agentapi-proxy list` shows by default.
 *
 * @example
 * client.search({ status: LIVE_SESSION_STATUSES })
 */
export const LIVE_SESSION_STATUSES = [
  'starting',
  'active',
  'stopping',
  'suspended',
] as const satisfies readonly SessionStatus[]

/**
 * A comma-separated list of statuses in a query string (`status=starting,active`), parsed to
 * the distinct statuses it names; an unknown one is an issue on the field itself.
 *
 * @example
 * SessionStatusListSchema.parse('active,starting') // ['active', 'starting']
 */
export const SessionStatusListSchema = z
  .string()
  .max(256)
  .transform((value, ctx) => {
    const names = [...new Set(value.split(',').map((name) => name.trim()))]
    const known: readonly string[] = SessionStatusSchema.options
    const unknown = names.filter((name) => !known.includes(name))
    if (unknown.length > 0) {
      const shown = unknown.map((name) => JSON.stringify(name.slice(0, 20))).join(', ')
      const message = `Unknown status ${shown}: use ${known.join(', ')}, comma-separated`
      ctx.addIssue({ code: 'custom', message })
      return z.NEVER
    }
    return names as SessionStatus[]
  })
  .meta({
    description: `One status or several, comma-separated (${SessionStatusSchema.options.join(', ')})`,
    example: 'starting,active',
  })

/**
 * What agentapi reports about its agent: `running` while it works, `stable` when it waits for
 * input; `null` until the proxy has heard from it.
 *
 * @example
 * AgentStatusSchema.parse('stable')
 */
export const AgentStatusSchema = z
  .enum(['running', 'stable'])
  .nullable()
  .meta({ id: 'AgentStatus' })
export type AgentStatus = z.infer<typeof AgentStatusSchema>

/**
 * `POST /start`: everything is optional; unknown fields are rejected.
 *
 * @example
 * const body: StartSessionRequest = { tags: { team: 'infra' }, message: 'Fix the flaky test' }
 */
export const StartSessionRequestSchema = z
  .strictObject({
    user_id: UserIdSchema.optional().meta({
      description: "Owner of the session; another user's id needs the admin role",
    }),
    environment: EnvironmentSchema.optional(),
    tags: TagsSchema.optional(),
    message: z.string().min(1).max(100_000).optional().meta({
      description: 'Sent as the first user message once the agent is stable',
      example: 'Fix the flaky test in ci.yml',
    }),
    repository: z
      .string()
      .min(1)
      .max(512)
      .regex(
        // Nothing that starts with `-` (a git or ssh option); which URLs may be cloned (hosts,
        // file://, no credentials) is the server's policy.
        /^([A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+|(https?|ssh|git|file):\/\/\S+|git@[A-Za-z0-9][^\s:]*:\S+)$/,
        'Use owner/repo or a git URL',
      )
      .optional()
      .meta({
        description:
          'Cloned into the workdir before the agent starts: owner/repo or an https/ssh URL of an allowed host, without credentials',
        example: 'o/r',
      }),
    agent: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z][a-z0-9_-]*$/)
      .optional()
      .meta({ description: 'Agent type passed to agentapi (`--type`)', example: 'claude' }),
    mcp_servers: McpServersSchema.optional().meta({
      description:
        "MCP servers for the agent, added to the config's defaults (a name here replaces one there); written into the workdir as `.mcp.json`",
    }),
  })
  .meta({
    id: 'StartSessionRequest',
    // The reference shows this as the body to send: it must be one the server accepts.
    example: {
      tags: { team: 'infra' },
      message: 'Fix the flaky test in ci.yml',
      repository: 'octo/widgets',
    },
  })
export type StartSessionRequest = z.infer<typeof StartSessionRequestSchema>

/**
 * A session as `GET /search` lists it.
 *
 * @example
 * const s: SessionSummary = (await client.search()).sessions[0]
 */
export const SessionSummarySchema = z
  .object({
    session_id: SessionIdSchema,
    user_id: UserIdSchema,
    status: SessionStatusSchema,
    agent_status: AgentStatusSchema,
    started_at: TimestampSchema,
    last_activity_at: TimestampSchema,
    port: z.number().int().nullable().meta({ description: "The agent's local port" }),
    tags: TagsSchema,
  })
  .meta({ id: 'SessionSummary' })
export type SessionSummary = z.infer<typeof SessionSummarySchema>

/**
 * One session in full: the summary, what runs it, and why it failed when it did.
 *
 * @example
 * const s: Session = await client.getSession(id)
 * if (s.status === 'failed') console.error(s.error, s.log_tail)
 */
export const SessionSchema = SessionSummarySchema.extend({
  agent: z.string().meta({ description: 'What runs the session', example: 'echo' }),
  repository: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  error: z.string().nullable(),
  log_tail: z.array(z.string()).meta({ description: 'Last log lines when the session failed' }),
  mcp_servers: z.array(z.string()).meta({
    description: "Names of the agent's MCP servers; their settings (secrets) are never shown",
    example: ['docs'],
  }),
}).meta({ id: 'Session' })
export type Session = z.infer<typeof SessionSchema>

/**
 * `GET /search`: filters are ANDed; `tag.<key>=<value>` query parameters filter on tags.
 *
 * @example
 * const q: SearchQuery = { status: ['active', 'starting'], limit: 20 }
 */
export const SearchQuerySchema = z
  .object({
    user_id: UserIdSchema.optional(),
    status: SessionStatusListSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(512).optional().meta({ description: 'From `next_cursor`' }),
  })
  .catchall(z.string().max(256))
  .superRefine((query, ctx) => {
    for (const key of Object.keys(query)) {
      if (key === `tag.${RESERVED_TAG_KEY}`) {
        const message = `${RESERVED_TAG_KEY} is reserved and cannot be a tag key`
        ctx.addIssue({ code: 'custom', path: [key], message })
        continue
      }
      if (key in SEARCH_FIELDS || /^tag\.[A-Za-z0-9_.-]{1,64}$/.test(key)) continue
      ctx.addIssue({ code: 'custom', path: [key], message: 'Unknown search parameter' })
    }
  })
export type SearchQuery = {
  user_id?: string
  /** Any of these statuses. */
  status?: SessionStatus[]
  limit: number
  cursor?: string
} & { [tag: `tag.${string}`]: string }

const SEARCH_FIELDS = { user_id: 1, status: 1, limit: 1, cursor: 1 } as const

/**
 * The `tag.<key>=<value>` filters of a parsed search query.
 *
 * @example
 * tagFilters({ limit: 50, 'tag.team': 'infra' }) // { team: 'infra' }
 */
export function tagFilters(query: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('tag.') && typeof value === 'string') tags[key.slice(4)] = value
  }
  return tags
}

/**
 * `GET /search` → newest first, one page at a time.
 *
 * @example
 * let page = await client.search({ limit: 100 })
 * while (page.next_cursor) page = await client.search({ cursor: page.next_cursor })
 */
export const SearchResponseSchema = z
  .object({
    sessions: z.array(SessionSummarySchema),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'SearchResponse' })
export type SearchResponse = z.infer<typeof SearchResponseSchema>

/**
 * `GET /sessions/:id/logs?tail=N`.
 *
 * @example
 * const q: LogsQuery = { tail: 100 }
 */
export const LogsQuerySchema = z.strictObject({
  tail: z.coerce.number().int().min(1).max(10_000).default(200),
})
export type LogsQuery = z.infer<typeof LogsQuerySchema>

/**
 * The tail of the agent process's stdout and stderr.
 *
 * @example
 * const { lines } = await client.logs(id)
 */
export const SessionLogsSchema = z
  .object({
    session_id: SessionIdSchema,
    lines: z.array(z.string()),
    truncated: z.boolean().meta({ description: 'True when older lines were left out' }),
  })
  .meta({ id: 'SessionLogs' })
export type SessionLogs = z.infer<typeof SessionLogsSchema>

/**
 * `DELETE /sessions/:id` answers once the agent is stopped.
 *
 * @example
 * const r: DeleteSessionResponse = { session_id: id, status: 'terminated' }
 */
export const DeleteSessionResponseSchema = z
  .object({ session_id: SessionIdSchema, status: z.literal('terminated') })
  .meta({ id: 'DeleteSessionResponse' })
export type DeleteSessionResponse = z.infer<typeof DeleteSessionResponseSchema>

/** Path parameters of the `/sessions/{sessionId}` routes. */
export const SessionParamsSchema = z.object({
  sessionId: SessionIdSchema.meta({ param: { name: 'sessionId', in: 'path' } }),
})
