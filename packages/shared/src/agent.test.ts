import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  AgentErrorReportSchema,
  AgentEventSchema,
  AgentMessageSchema,
  AgentMessagesSchema,
  AgentProblemSchema,
  AgentStatusResponseSchema,
  MessageUpdateSchema,
  SendMessageRequestSchema,
  SendMessageResponseSchema,
  StatusChangeSchema,
  UploadResponseSchema,
} from './agent.ts'

// agentapi v0.12.1's own OpenAPI document, kept as a fixture by the server's echo agent.
const agentapi = JSON.parse(
  readFileSync(
    new URL('../../server/test/fixtures/agentapi-openapi.json', import.meta.url),
    'utf8',
  ),
) as { components: { schemas: Record<string, { required?: string[]; properties: object }> } }

describe('agentapi wire schemas', () => {
  it.each([
    ['Message', AgentMessageSchema],
    ['MessagesResponseBody', AgentMessagesSchema],
    ['MessageRequestBody', SendMessageRequestSchema],
    ['MessageResponseBody', SendMessageResponseSchema],
    ['UploadResponseBody', UploadResponseSchema],
    ['MessageUpdateBody', MessageUpdateSchema],
    ['StatusChangeBody', StatusChangeSchema],
    ['ErrorBody', AgentErrorReportSchema],
    ['ErrorModel', AgentProblemSchema],
  ] as const)('%s has the properties and required fields of agentapi’s schema', (name, schema) => {
    const theirs = agentapi.components.schemas[name]
    const ours = z.toJSONSchema(schema, { io: 'input' }) as {
      required?: string[]
      properties: object
    }
    expect(Object.keys(ours.properties).sort()).toEqual(
      Object.keys(theirs?.properties ?? {}).sort(),
    )
    expect([...(ours.required ?? [])].sort()).toEqual([...(theirs?.required ?? [])].sort())
  })

  it('accepts a status without `transport`, as agentapi before v0.12.0 sends it', () => {
    const old = { status: 'stable', agent_type: 'claude' }
    expect(AgentStatusResponseSchema.parse(old)).toEqual(old)
    expect(AgentStatusResponseSchema.safeParse({ ...old, status: null }).success).toBe(false)
  })

  it('keeps `$schema` optional and ignores fields it does not know', () => {
    const body = { $schema: 'http://localhost/schemas/MessagesResponseBody.json', messages: [] }
    expect(AgentMessagesSchema.parse({ ...body, extra: 1 })).toEqual(body)
  })

  it('parses the canonical event trace of one echo turn', () => {
    const trace = [
      ['message_update', { id: 0, role: 'agent', message: 'Hello!', time: '2026-04-10T12:00:00Z' }],
      ['status_change', { status: 'stable', agent_type: 'custom' }],
      ['status_change', { status: 'running', agent_type: 'custom' }],
      ['message_update', { id: 1, role: 'user', message: 'hi', time: '2026-04-10T12:00:05Z' }],
      [
        'message_update',
        { id: 2, role: 'agent', message: 'Echo: hi', time: '2026-04-10T12:00:06Z' },
      ],
      [
        'agent_error',
        { message: 'Failed to restore', level: 'warning', time: '2026-04-10T12:00:07Z' },
      ],
    ] as const
    for (const [type, data] of trace) {
      expect(AgentEventSchema.parse({ type, data })).toEqual({ type, data })
    }
  })

  it('rejects an event whose data does not match its name', () => {
    const wrong = { type: 'status_change', data: { id: 0, role: 'agent', message: '', time: '' } }
    expect(AgentEventSchema.safeParse(wrong).success).toBe(false)
  })
})
