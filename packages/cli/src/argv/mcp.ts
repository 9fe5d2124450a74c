import { defineCommand } from 'citty'
import { mcpCommand } from '../commands/mcp.ts'
import { connectionOf, globalOptions } from './global-options.ts'

/**
 * `agentapi-proxy mcp`.
 *
 * @example
 * defineCommand({ subCommands: { mcp } })
 */
export const mcp = defineCommand({
  meta: {
    name: 'mcp',
    description: "An MCP server on stdio that forwards to the proxy's /mcp (for MCP clients)",
  },
  args: globalOptions,
  run: ({ args }) => mcpCommand(connectionOf(args)),
})
