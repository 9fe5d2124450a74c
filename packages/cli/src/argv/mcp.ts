import { defineCommand } from 'citty'
import { mcpCommand } from '../commands/mcp.ts'
import { withExamples } from './examples.ts'
import { connectionOf, globalOptions } from './global-options.ts'

/**
 * `agentapi-proxy mcp`.
 *
 * @example
 * defineCommand({ subCommands: { mcp } })
 */
export const mcp = withExamples(
  defineCommand({
    meta: {
      name: 'mcp',
      description: "An MCP server on stdio that forwards to the proxy's /mcp (for MCP clients)",
    },
    args: globalOptions,
    run: ({ args }) => mcpCommand(connectionOf(args)),
  }),
  [
    'agentapi-proxy mcp --url http://127.0.0.1:8080 --profile work',
    'claude mcp add agentapi-proxy -- npx -y agentapi-proxy mcp',
  ],
)
