import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AgentSpec } from './provisioner.ts'

// Claude Code's project MCP config, read from the directory it starts in.
const MCP_CONFIG_FILE = '.mcp.json'
// Where the clone script finds the MCP config to move into the clone (agentapi_with_github.sh).
const MCP_CONFIG_ENV = 'AGENTAPI_PROXY_MCP_CONFIG'

/**
 * Puts the session's MCP config where its agent reads it (0600: it holds tokens). A clone needs
 * an empty workdir, so with a repository it waits in the agent's TMPDIR for the clone script to
 * move in, named by the variable this returns (to add to the agent's environment).
 *
 * @example
 * const env = { ...spec.env, ...placeMcpConfig(spec, workdir, tmpdir) }
 */
export function placeMcpConfig(
  spec: AgentSpec,
  workdir: string,
  tmpdir: string,
): Record<string, string> {
  if (!spec.mcpConfig) return {}
  if (!spec.repository) {
    writeFileSync(join(workdir, MCP_CONFIG_FILE), spec.mcpConfig, { mode: 0o600 })
    return {}
  }
  const staged = join(tmpdir, `agentapi-proxy${MCP_CONFIG_FILE}`)
  writeFileSync(staged, spec.mcpConfig, { mode: 0o600 })
  return { [MCP_CONFIG_ENV]: staged }
}
