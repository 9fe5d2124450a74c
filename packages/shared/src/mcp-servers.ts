import { z } from 'zod'
import { EnvironmentSchema } from './common.ts'

/**
 * The name of one MCP server of a session: the key in the agent's MCP config, and what the
 * agent shows its tools under (`mcp__<name>__<tool>` in Claude Code).
 *
 * @example
 * McpServerNameSchema.parse('github')
 */
export const McpServerNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'Names use letters, digits, _ and -, and start with one of the first two',
  )

// An HTTP field name (RFC 9110 token) and a value without CR, LF or NUL (header injection).
const HeaderNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'Header names are RFC 9110 tokens')
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const HEADER_VALUE_PATTERN = /^[^\u0000-\u0008\u000a-\u001f\u007f]*$/
const HeaderValueSchema = z
  .string()
  .max(8192)
  .regex(HEADER_VALUE_PATTERN, 'Header values may not contain control characters')

const StdioServerSchema = z.strictObject({
  type: z.literal('stdio'),
  command: z.string().min(1).max(1024).meta({ description: 'Program the agent starts' }),
  args: z.array(z.string().max(4096)).max(64).optional(),
  env: EnvironmentSchema.optional().meta({
    description: 'Environment of that program; values are secrets: sealed at rest, never shown',
  }),
})

const RemoteServerFields = {
  url: z
    .url({ protocol: /^https?$/, error: 'Use an http or https URL' })
    .max(2048)
    .meta({ example: 'https://mcp.example.com/mcp' }),
  headers: z
    .record(HeaderNameSchema, HeaderValueSchema)
    .refine((headers) => Object.keys(headers).length <= 32, 'At most 32 headers')
    .optional()
    .meta({
      description: 'Sent with every request; values are secrets: sealed at rest, never shown',
    }),
}

/**
 * One MCP server a session's agent may use: a program it starts (`stdio`, with `command`, `args`,
 * `env`), or a remote one (`http` for streamable HTTP, `sse` for the older SSE transport, with
 * `url` and `headers`).
 *
 * @example
 * McpServerSchema.parse({ type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer …' } })
 */
export const McpServerSchema = z
  .discriminatedUnion('type', [
    StdioServerSchema,
    z.strictObject({ type: z.literal('http'), ...RemoteServerFields }),
    z.strictObject({ type: z.literal('sse'), ...RemoteServerFields }),
  ])
  .meta({ id: 'McpServer' })
export type McpServer = z.infer<typeof McpServerSchema>

/**
 * The MCP servers of a session, by name: written into its workdir as the agent's MCP config
 * (`.mcp.json`) before the agent starts. Which environment names a stdio server may be given is
 * the server's rule.
 *
 * @example
 * const servers: McpServers = { files: { type: 'stdio', command: 'npx', args: ['-y', 'some-mcp-server'] } }
 */
export const McpServersSchema = z
  .record(McpServerNameSchema, McpServerSchema)
  .refine((servers) => Object.keys(servers).length <= 32, 'At most 32 MCP servers')
  .meta({
    id: 'McpServers',
    description: 'MCP servers for the agent, by name',
    example: { docs: { type: 'http', url: 'https://mcp.example.com/mcp' } },
  })
export type McpServers = z.infer<typeof McpServersSchema>
