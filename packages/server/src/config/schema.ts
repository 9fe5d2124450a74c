import {
  McpServersSchema,
  PermissionSchema,
  RoleSchema,
  UserIdSchema,
} from '@agentapi-proxy/shared'
import { z } from 'zod'
import { alwaysRefusedReason, patternConflict } from '../sessions/env-policy.ts'
import { DurationSchema } from './duration.ts'

// Every object is strict: a misspelt key is an error that names it, not a silently ignored line.

const StaticApiKeySchema = z.strictObject({
  key: z.string().min(16, 'API keys need at least 16 characters'),
  user_id: UserIdSchema,
  role: RoleSchema.default('member'),
  permissions: z.array(PermissionSchema).default([]),
  expires_at: z.iso.datetime({ offset: true }).optional(),
})

const TeamRoleSchema = z.strictObject({
  role: RoleSchema,
  permissions: z.array(PermissionSchema).default([]),
})

const OAuthSchema = z.strictObject({
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  scope: z.string().default('read:user read:org'),
  base_url: z.url().default('https://github.com'),
  allowed_redirect_uris: z.array(z.url()).default([]),
  loopback_redirects: z
    .boolean()
    .default(false)
    .describe(
      'also accept http://127.0.0.1:<any port>/… and http://[::1]:<any port>/… (RFC 8252 §7.3), for `agentapi-proxy login`',
    ),
})

const AuthSchema = z.strictObject({
  enabled: z.boolean().default(false),
  static: z
    .strictObject({
      enabled: z.boolean().default(false),
      header_name: z.string().min(1).default('X-API-Key'),
      api_keys: z.array(StaticApiKeySchema).default([]),
      keys_file: z.string().min(1).optional(),
    })
    .prefault({}),
  github: z
    .strictObject({
      enabled: z.boolean().default(false),
      base_url: z.url().default('https://api.github.com'),
      user_mapping: z
        .strictObject({
          default_role: RoleSchema.default('member'),
          default_permissions: z
            .array(PermissionSchema)
            .default(['session:create', 'session:list', 'session:delete', 'session:access']),
          team_role_mapping: z.record(z.string().min(1), TeamRoleSchema).default({}),
        })
        .prefault({}),
      oauth: OAuthSchema.optional(),
    })
    .prefault({}),
  managed_keys: z
    .strictObject({
      max_per_user: z
        .number()
        .int()
        .positive()
        .default(100)
        .describe('active (unrevoked, unexpired) API keys one user may hold'),
    })
    .prefault({}),
})

const AgentSchema = z.strictObject({
  command: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .optional()
    .transform((command) => (typeof command === 'string' ? command.split(/\s+/) : command))
    .describe(
      'argv of the agent; {port} is replaced. Unset: agentapi when on PATH, else the echo agent',
    ),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .default('claude'),
  startup_script: z.string().min(1).optional(),
  resume_command: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .optional()
    .transform((command) => (typeof command === 'string' ? command.split(/\s+/) : command))
    .describe('argv used to restart a suspended session in its workdir (e.g. with claude -c)'),
})

const AllowPatternSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, 'Use NAME or PREFIX* (a trailing * only)')
  .superRefine((pattern, ctx) => {
    const conflict = patternConflict(pattern)
    if (conflict) ctx.addIssue({ code: 'custom', message: conflict })
  })

const SessionEnvironmentSchema = z.strictObject({
  allow: z
    .array(AllowPatternSchema)
    .default([])
    .describe('names a request may set besides the defaults: NAME or PREFIX*'),
})

const SessionRepositorySchema = z.strictObject({
  allowed_hosts: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'A host name, without scheme or port'))
    .optional()
    .describe('hosts a repository URL may name; unset: the GitHub of auth.github.base_url'),
  allow_local: z.boolean().default(false).describe('allow file:// repositories'),
})

// The config's MCP servers pass the rule a request's do: no loader or runtime variables.
const ConfigMcpServersSchema = McpServersSchema.superRefine((servers, ctx) => {
  for (const [name, server] of Object.entries(servers)) {
    if (server.type !== 'stdio') continue
    for (const variable of Object.keys(server.env ?? {})) {
      const message = alwaysRefusedReason(variable)
      if (message) ctx.addIssue({ code: 'custom', path: [name, 'env', variable], message })
    }
  }
})

const SandboxBindSchema = z.strictObject({
  source: z.string().min(1).describe('a path on this machine'),
  target: z.string().min(1).optional().describe('where the agent sees it; unset: the same path'),
  writable: z.boolean().default(false),
})

const SessionLimitsSchema = z.strictObject({
  max_sessions: z.number().int().positive().default(100),
  max_sessions_per_user: z.number().int().positive().default(10),
  max_concurrent_starts: z.number().int().positive().default(8),
  startup_timeout: DurationSchema.prefault(60),
  idle_timeout: DurationSchema.prefault(0).describe('0 keeps idle sessions forever'),
  stop_grace: DurationSchema.prefault(5),
  retention: DurationSchema.prefault('7d').describe(
    'how long stopped and failed sessions stay searchable',
  ),
  workdir_root: z.string().min(1).default('data/sessions'),
  agent_host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('address agents listen on; loopback keeps them off the network'),
  log_max_bytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  sandbox: z
    .enum(['auto', 'bubblewrap', 'none'])
    .default('auto')
    .describe('auto: bubblewrap when bwrap works here, else none (with a warning)'),
  sandbox_binds: z
    .array(SandboxBindSchema)
    .default([])
    .describe('more paths a sandboxed agent sees (read-only unless writable)'),
  home_root: z
    .string()
    .min(1)
    .default('data/homes')
    .describe("a HOME per user under it, kept across sessions (the agent's credentials)"),
  inherit_env: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))
    .default(['PATH', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'HOME', 'USER']),
  environment: SessionEnvironmentSchema.prefault({}),
  repository: SessionRepositorySchema.prefault({}),
  mcp_servers: ConfigMcpServersSchema.default({}).describe(
    "MCP servers every session's agent gets (a request's server of the same name replaces one)",
  ),
  role_mcp_servers: z
    .record(z.string().min(1), ConfigMcpServersSchema)
    .default({})
    .describe('MCP servers of the sessions started by each role, over session.mcp_servers'),
})

// The listener's limits. A connection is idle while no request is in flight on it (before its
// first request, between keep-alive requests): only idle connections time out, so an SSE stream
// stays open as long as both ends want it (agentapi sends no heartbeats).
const ServerLimitsSchema = z
  .strictObject({
    headers_timeout: DurationSchema.prefault(10)
      .refine((ms) => ms > 0, 'Must be more than 0')
      .describe('a new connection must send its request headers within this'),
    request_timeout: DurationSchema.prefault('5m').describe(
      'a whole request, body included, must arrive within this; 0: no limit',
    ),
    keep_alive_timeout: DurationSchema.prefault(5)
      .refine((ms) => ms > 0, 'Must be more than 0')
      .describe('an idle kept-alive connection is closed after this'),
    max_connections: z.number().int().positive().default(4096),
    max_connections_per_ip: z
      .number()
      .int()
      .min(0)
      .default(256)
      .describe('0: no cap per client address'),
    trust_proxy: z
      .boolean()
      .default(false)
      .describe(
        'one reverse proxy in front sets X-Forwarded-For: its last entry is the client address',
      ),
  })
  .refine(
    (server) => server.request_timeout === 0 || server.headers_timeout <= server.request_timeout,
    {
      path: ['headers_timeout'],
      message: 'Must not be longer than request_timeout',
    },
  )

// How long the proxy waits on a session's agent: for its response's headers, then between two
// chunks of a body. An `/events` stream is exempt: it may stay quiet for minutes (agentapi sends
// no heartbeats) and ends when the caller leaves. Without a bound, an agent that accepts and never
// answers would hold each caller, and a socket to it, for as long as the caller waits.
const ProxySchema = z.strictObject({
  connect_timeout: DurationSchema.prefault(5)
    .refine((ms) => ms > 0, 'Must be more than 0')
    .describe("to open a connection to a session's agent; past it 502 agent_unavailable"),
  response_timeout: DurationSchema.prefault('2m').describe(
    "from forwarding a request to the agent's response headers, and between two chunks of a body other than an /events stream; past it 502 agent_unavailable, or the connection cut once the body has started. agentapi answers POST /message only once the agent has started working; 0: no limit",
  ),
})

// pg also reads `socket:/dir?db=name` for a Unix socket; anything else it would misread as a
// host name and fail on at connect time, with a message that does not name the field.
function isPostgresUrl(url: string): boolean {
  try {
    return ['postgres:', 'postgresql:', 'socket:'].includes(new URL(url).protocol)
  } catch {
    return false
  }
}

const KUBE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/
const QuantitiesSchema = z.record(z.string().min(1), z.string().min(1)).default({})

// Where agents run: child processes on this machine (the default), or a Pod and a Service per
// session on Kubernetes (provisioners/kubernetes/).
const KubernetesProvisionerSchema = z.strictObject({
  kind: z.literal('kubernetes'),
  namespace: z
    .string()
    .regex(KUBE_NAME)
    .optional()
    .describe("unset: the kubeconfig context's namespace, or the pod's own in a cluster"),
  kubeconfig: z
    .string()
    .min(1)
    .optional()
    .describe('unset: KUBECONFIG, ~/.kube/config, else the in-cluster service account'),
  image: z.string().min(1).describe('the agent image: agentapi and the agent'),
  image_pull_policy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
  image_pull_secrets: z.array(z.string().regex(KUBE_NAME)).default([]),
  service_account_name: z.string().regex(KUBE_NAME).optional(),
  port: z.number().int().min(1).max(65_535).default(3284),
  resources: z.strictObject({ requests: QuantitiesSchema, limits: QuantitiesSchema }).prefault({}),
  node_selector: z.record(z.string().min(1), z.string()).default({}),
  tolerations: z.array(z.record(z.string(), z.unknown())).default([]),
  storage: z
    .strictObject({
      size: z.string().min(1).default('10Gi'),
      storage_class: z.string().min(1).optional(),
      mount_path: z.string().min(1).default('/workspace'),
    })
    .optional()
    .describe('a PersistentVolumeClaim per session, kept across its restarts, deleted with it'),
})

const ProvisionerSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('local') }),
    KubernetesProvisionerSchema,
  ])
  .prefault({ kind: 'local' })

/** The `provisioner: {kind: kubernetes, …}` section. */
export type KubernetesSettings = z.output<typeof KubernetesProvisionerSchema>

/**
 * The whole configuration file. Every field has a default, so `{}` (or no file) is valid.
 */
export const ConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8080),
  server: ServerLimitsSchema.prefault({}),
  proxy: ProxySchema.prefault({}),
  start_port: z.number().int().min(1024).max(65_000).default(9000),
  auth: AuthSchema.prefault({}),
  persistence: z
    .strictObject({
      enabled: z.boolean().default(true),
      backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
      path: z.string().min(1).default('data/agentapi-proxy.sqlite'),
      url: z
        .string()
        .min(1)
        .refine(isPostgresUrl, 'must be a postgres://user:password@host:port/database URL')
        .optional(),
      schema: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/)
        .optional()
        .describe('PostgreSQL schema (created when missing)'),
      encryption_key: z
        .string()
        .min(1)
        .optional()
        .describe(
          'base64 of 32 bytes; else AGENTAPI_PROXY_ENCRYPTION_KEY, else a generated key file',
        ),
    })
    .prefault({}),
  role_env_files: z
    .strictObject({
      enabled: z.boolean().default(false),
      path: z.string().min(1).default('role-env'),
    })
    .prefault({}),
  agent: AgentSchema.prefault({}),
  session: SessionLimitsSchema.prefault({}),
  provisioner: ProvisionerSchema,
  replica: z
    .strictObject({
      id: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/)
        .optional()
        .describe('this replica in session rows; unset: the host name and a random suffix'),
      lease: DurationSchema.prefault(15).describe(
        'how long a replica holds its sessions without renewing; past it another takes over',
      ),
    })
    .prefault({}),
  events: z
    .strictObject({
      heartbeat: DurationSchema.prefault('15s').describe(
        'how often GET /sessions/events sends a comment line while quiet',
      ),
      replay_events: z
        .number()
        .int()
        .min(1)
        .default(10_000)
        .describe('how many session events are kept for Last-Event-ID resume'),
      replay_age: DurationSchema.prefault('1h').describe('how long session events are kept'),
    })
    .prefault({}),
  audit: z
    .strictObject({
      retention: DurationSchema.prefault(0).describe(
        'how long audit entries are kept; 0 keeps them forever',
      ),
    })
    .prefault({}),
  cors: z.strictObject({ allowed_origins: z.array(z.string().min(1)).default([]) }).prefault({}),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(true).describe('serve GET /metrics'),
      token: z
        .string()
        .min(16, 'Metrics tokens need at least 16 characters')
        .optional()
        .describe('Bearer token /metrics requires; unset: only loopback callers are answered'),
    })
    .prefault({}),
})

/** The validated configuration; durations are milliseconds. */
export type Config = z.output<typeof ConfigSchema>
/** The configuration as written in a file. */
export type ConfigInput = z.input<typeof ConfigSchema>
