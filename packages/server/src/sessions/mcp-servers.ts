import type { FieldIssue, McpServers } from '@agentapi-proxy/shared'
import { alwaysRefusedReason, refuseFields } from './env-policy.ts'

/** The MCP servers every session gets, and those of sessions started by a role. */
export interface McpServerDefaults {
  /** `session.mcp_servers`. */
  all: McpServers
  /** `session.role_mcp_servers`: by the role of whoever starts the session. */
  roles: Readonly<Record<string, McpServers>>
}

/**
 * The MCP servers of a new session: the config's, then its owner's role's, then the request's; a
 * name given later replaces the same name given earlier, whole (a request's `docs` server is the
 * caller's, not a merge with the admin's headers).
 *
 * @example
 * sessionMcpServers(defaults, 'member', request.mcp_servers)
 */
export function sessionMcpServers(
  defaults: McpServerDefaults | undefined,
  role: string | null,
  requested: McpServers | undefined,
): McpServers {
  const servers: McpServers = { ...defaults?.all }
  Object.assign(servers, role === null ? undefined : defaults?.roles[role], requested)
  return servers
}

/**
 * Refuses a stdio server's environment names that change how programs load or run (`LD_*`,
 * `NODE_OPTIONS`, `PATH`…), as for a session's own environment. The allowlist of a session's
 * environment does not apply: the caller chooses the server's command, which the variables are
 * for (`GITHUB_PERSONAL_ACCESS_TOKEN`, `BRAVE_API_KEY`…).
 *
 * @example
 * assertMcpEnvironmentAllowed({ fs: { type: 'stdio', command: 'x', env: { LD_PRELOAD: 'y' } } }) // throws 422
 */
export function assertMcpEnvironmentAllowed(servers: McpServers): void {
  const errors: FieldIssue[] = []
  for (const [name, server] of Object.entries(servers)) {
    if (server.type !== 'stdio') continue
    for (const variable of Object.keys(server.env ?? {})) {
      const reason = alwaysRefusedReason(variable)
      if (reason) errors.push({ path: `mcp_servers.${name}.env.${variable}`, message: reason })
    }
  }
  refuseFields(errors)
}

/**
 * The agent's MCP config file: Claude Code's project config (`.mcp.json`), whose server entries
 * have exactly our shape. Null when the session has no MCP servers: no file is written then.
 *
 * @example
 * mcpConfigFile({ docs: { type: 'http', url: 'https://mcp.example.com/mcp' } })
 * // '{\n  "mcpServers": {\n    "docs": { … } } }'
 */
export function mcpConfigFile(servers: McpServers): string | null {
  if (Object.keys(servers).length === 0) return null
  return `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`
}
