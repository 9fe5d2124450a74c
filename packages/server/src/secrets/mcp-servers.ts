import type { McpServer, McpServers } from '@agentapi-proxy/shared'
import { openEnvironment, sealEnvironment } from './environment.ts'
import type { SecretBox } from './secret-box.ts'

/**
 * A copy of a session's MCP servers with every `env` and `headers` value sealed: they carry the
 * servers' tokens (`GITHUB_PERSONAL_ACCESS_TOKEN`, `Authorization: Bearer …`). Without a key
 * (persistence off) nothing is at rest and the copy is plain.
 *
 * @example
 * sealMcpServers({ docs: { type: 'http', url, headers: { Authorization: 'Bearer t' } } }, box)
 */
export function sealMcpServers(servers: McpServers, box: SecretBox | undefined): McpServers {
  if (!box) return servers
  return mapSecrets(servers, (values) => sealEnvironment(values, box))
}

/** A copy of stored MCP servers with their sealed values opened. */
export function openMcpServers(stored: McpServers, box: SecretBox | undefined): McpServers {
  return mapSecrets(stored, (values) => openEnvironment(values, box))
}

function mapSecrets(
  servers: McpServers,
  map: (values: Record<string, string>) => Record<string, string>,
): McpServers {
  const mapped: McpServers = {}
  for (const [name, server] of Object.entries(servers)) mapped[name] = mapServer(server, map)
  return mapped
}

function mapServer(
  server: McpServer,
  map: (values: Record<string, string>) => Record<string, string>,
): McpServer {
  if (server.type === 'stdio') return server.env ? { ...server, env: map(server.env) } : server
  return server.headers ? { ...server, headers: map(server.headers) } : server
}
