import type { IncomingMessage, ServerResponse } from 'node:http'
import { plainError } from './router.ts'

/**
 * `GET /schemas/{Name}.json`, where agentapi's `$schema` URLs and `Link` headers point: the JSON
 * Schema of one component of its API (the OpenAPI 3.1 form huma serves, references as
 * `/schemas/{Name}.json`), so a client that follows them finds what they promise.
 */

type JsonSchema = Readonly<Record<string, unknown>>

const ref = (name: string): JsonSchema => ({ $ref: `/schemas/${name}.json` })
const text: JsonSchema = { type: 'string' }
const int64: JsonSchema = { type: 'integer', format: 'int64' }
const bool: JsonSchema = { type: 'boolean' }
const uri: JsonSchema = { type: 'string', format: 'uri' }
const enumOf = (title: string, values: string[]): JsonSchema => ({
  type: 'string',
  title,
  enum: values,
})

/** A body struct: closed, its `$schema` link first and read-only, like huma's. */
function body(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: { $schema: { ...uri, readOnly: true }, ...properties },
    ...(required.length > 0 ? { required } : {}),
  }
}

const SCHEMAS: ReadonlyMap<string, JsonSchema> = new Map([
  ['AgentStatus', enumOf('AgentStatus', ['running', 'stable'])],
  ['Transport', enumOf('Transport', ['acp', 'pty'])],
  ['ConversationRole', enumOf('ConversationRole', ['agent', 'user'])],
  ['MessageType', enumOf('MessageType', ['raw', 'user'])],
  [
    'StatusResponseBody',
    body({ agent_type: text, status: ref('AgentStatus'), transport: ref('Transport') }, [
      'agent_type',
      'status',
      'transport',
    ]),
  ],
  [
    'Message',
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        content: text,
        id: int64,
        role: ref('ConversationRole'),
        time: { type: 'string', format: 'date-time' },
      },
      required: ['content', 'id', 'role', 'time'],
    },
  ],
  [
    'MessagesResponseBody',
    body({ messages: { type: 'array', items: ref('Message') } }, ['messages']),
  ],
  ['MessageRequestBody', body({ content: text, type: ref('MessageType') }, ['content', 'type'])],
  ['MessageResponseBody', body({ ok: bool }, ['ok'])],
  ['UploadResponseBody', body({ filePath: text, ok: bool }, ['filePath', 'ok'])],
  [
    'ErrorDetail',
    {
      type: 'object',
      additionalProperties: false,
      properties: { location: text, message: text, value: {} },
    },
  ],
  [
    'ErrorModel',
    body(
      {
        detail: text,
        errors: { type: ['array', 'null'], items: ref('ErrorDetail') },
        instance: uri,
        status: int64,
        title: text,
        type: { ...uri, default: 'about:blank' },
      },
      [],
    ),
  ],
])

const PREFIX = '/schemas/'

/**
 * Answers `GET /schemas/{Name}.json` (the router matches `/schemas/*`); a name this agent does
 * not describe is chi's plain 404, as any unknown path.
 */
export function getSchema(req: IncomingMessage, res: ServerResponse): void {
  const { pathname: path } = new URL(req.url ?? '/', 'http://agent')
  const file = path.startsWith(PREFIX) ? path.slice(PREFIX.length) : ''
  const schema = file.endsWith('.json') ? SCHEMAS.get(file.slice(0, -'.json'.length)) : undefined
  if (schema === undefined) {
    plainError(res, 404, '404 page not found')
    return
  }
  const bytes = Buffer.from(JSON.stringify(schema))
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length })
  res.end(bytes)
}
