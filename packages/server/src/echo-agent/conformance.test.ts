import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { EventStreamReader, type StreamEvent, statusIs } from './event-stream-reader.ts'
import { type ProbeResponse, postMessage, probe } from './probe.ts'
import { untilStable, useEchoAgents } from './test-agents.ts'

/**
 * Every body the echo agent sends, validated against agentapi's own OpenAPI document
 * (test/fixtures/agentapi-openapi.json, coder/agentapi v0.12.1): the schema is the one the
 * document gives for that path, method and status, and the content type must match too.
 */

interface OpenApiResponse {
  content: Record<string, { schema: { $ref?: string } }>
}
interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>
}

const document: OpenApi = JSON.parse(
  readFileSync(new URL('../../test/fixtures/agentapi-openapi.json', import.meta.url), 'utf8'),
)
// The document is OpenAPI 3.0: `nullable`, `example` and Go's formats are not JSON Schema's.
const ajv = new Ajv({ strict: false, allErrors: true })
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/)
ajv.addFormat('uri', { validate: (value: string) => URL.canParse(value) })
ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) })
ajv.addSchema(document, 'agentapi')

function validate(pointer: string, value: unknown): unknown[] {
  const check = ajv.getSchema(`agentapi#${pointer}`)
  if (check === undefined) throw new Error(`no schema at ${pointer}`)
  return check(value) ? [] : (check.errors ?? [])
}

/** Checks a response against what the document promises for `method path` and its status. */
function expectDocumented(method: string, path: string, res: ProbeResponse): void {
  const operation = document.paths[path]?.[method.toLowerCase()]
  const response = operation?.responses[String(res.status)] ?? operation?.responses.default
  const [contentType, media] = Object.entries(response?.content ?? {})[0] ?? []
  expect(res.headers['content-type'], `${method} ${path} → ${res.status}`).toBe(contentType)
  expect(
    validate(media?.schema.$ref?.slice(1) ?? '', JSON.parse(res.body)),
    `${method} ${path} → ${res.body}`,
  ).toEqual([])
}

const SSE_ITEM = '/paths/~1events/get/responses/200/content/text~1event-stream/schema/items'

function expectDocumentedEvent({ event, data }: StreamEvent): void {
  const pointer = event === 'screen' ? '/components/schemas/ScreenUpdateBody' : SSE_ITEM
  const value = event === 'screen' ? data : { event, data }
  expect(validate(pointer, value), `${event} ${JSON.stringify(data)}`).toEqual([])
}

const post = (url: string, body: string, contentType = 'application/json') =>
  probe(`${url}/message`, { method: 'POST', headers: { 'content-type': contentType }, body })

describe('echo agent conformance with agentapi’s OpenAPI document', () => {
  const start = useEchoAgents()

  it('catches a body that breaks the schema (the check is not vacuous)', () => {
    expect(
      validate('/components/schemas/StatusResponseBody', { status: 'stable', agent_type: 'x' }),
    ).not.toEqual([])
    expect(validate('/components/schemas/MessageResponseBody', { ok: true, extra: 1 })).not.toEqual(
      [],
    )
    expect(
      validate(SSE_ITEM, {
        event: 'message_update',
        data: { id: 0, role: 'agent', content: '', time: 'x' },
      }),
    ).not.toEqual([])
  })

  it('sends documented bodies from every endpoint through a whole conversation', async () => {
    const agent = await start()
    const events = new EventStreamReader(`${agent.url}/events`)
    const screens = new EventStreamReader(`${agent.url}/internal/screen`)
    const seen: StreamEvent[] = [await events.next()]
    expectDocumented('GET', '/status', await probe(`${agent.url}/status`))
    seen.push(await events.until(statusIs('stable')))
    expectDocumented('GET', '/status', await probe(`${agent.url}/status`))
    expectDocumented(
      'POST',
      '/message',
      await postMessage(agent.url, { content: 'hello <there>', type: 'user' }),
    )
    expectDocumented('GET', '/status', await probe(`${agent.url}/status`))
    expectDocumented(
      'POST',
      '/message',
      await postMessage(agent.url, { content: '\x1b[B', type: 'raw' }),
    )
    for (let event = await events.next(); ; event = await events.next()) {
      seen.push(event)
      if (statusIs('stable')(event)) break
    }
    expectDocumented('GET', '/messages', await probe(`${agent.url}/messages`))
    const form = new FormData()
    form.append('file', new Blob(['data']), 'data.txt')
    const upload = await fetch(`${agent.url}/upload`, { method: 'POST', body: form })
    expectDocumented('POST', '/upload', {
      status: upload.status,
      headers: { 'content-type': upload.headers.get('content-type') ?? '' },
      rawHeaders: [],
      body: await upload.text(),
    })
    seen.push(await screens.next())
    expect(seen.map((event) => event.event)).toEqual(
      expect.arrayContaining(['message_update', 'status_change', 'screen']),
    )
    for (const event of seen) expectDocumentedEvent(event)
    events.close()
    screens.close()
  })

  it.each([
    ['an empty body', ''],
    ['malformed JSON', '{"content":'],
    ['a missing property', '{"type":"user"}'],
    ['a bad type', '{"content":"hi","type":"robot"}'],
    ['an unknown property', '{"content":"hi","type":"user","x":[1,{"b":2,"a":1}]}'],
    ['a non-object', '[]'],
    ['null content', '{"content":null,"type":"user"}'],
    ['an empty message', '{"content":"   ","type":"user"}'],
  ])('sends a documented problem for %s', async (_case, body) => {
    const agent = await start()
    await untilStable(agent)
    const res = await post(agent.url, body)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expectDocumented('POST', '/message', res)
  })

  it('sends documented problems for media type, size, busy agent and bad uploads', async () => {
    const agent = await start({ neverReady: true })
    expectDocumented(
      'POST',
      '/message',
      await post(agent.url, 'content=hi', 'application/x-www-form-urlencoded'),
    )
    expectDocumented('POST', '/message', await post(agent.url, 'x'.repeat(1024 * 1024)))
    expectDocumented(
      'POST',
      '/message',
      await postMessage(agent.url, { content: 'hi', type: 'user' }),
    )
    const notMultipart = await probe(`${agent.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    })
    expectDocumented('POST', '/upload', notMultipart)
  })
})
