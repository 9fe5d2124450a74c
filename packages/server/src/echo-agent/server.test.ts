import { describe, expect, it } from 'vitest'
import { postMessage, probe } from './probe.ts'
import { untilStable, useEchoAgents } from './test-agents.ts'

const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/

describe('echo agent responses', () => {
  const start = useEchoAgents()

  it('answers GET /status with huma’s envelope, byte for byte', async () => {
    const agent = await start({ type: 'claude' })
    await untilStable(agent)
    const res = await probe(`${agent.url}/status`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers.link).toBe('</schemas/StatusResponseBody.json>; rel="describedBy"')
    expect(res.body).toBe(
      `{"$schema":"http://127.0.0.1:${agent.port}/schemas/StatusResponseBody.json","status":"stable","agent_type":"claude","transport":"pty"}\n`,
    )
  })

  it('builds $schema from the Host header, https unless it starts with localhost or 127.0.0.1', async () => {
    const agent = await start({ allowedHosts: ['*'] })
    const schemaOf = async (host: string) =>
      JSON.parse((await probe(`${agent.url}/status`, { headers: { host } })).body).$schema
    expect(await schemaOf(`localhost:${agent.port}`)).toBe(
      `http://localhost:${agent.port}/schemas/StatusResponseBody.json`,
    )
    expect(await schemaOf('proxy.example')).toBe(
      'https://proxy.example/schemas/StatusResponseBody.json',
    )
    expect(await schemaOf('[::1]:1')).toBe('https://[::1]:1/schemas/StatusResponseBody.json')
  })

  it('keeps agentapi’s key order in /messages, with Go-style times', async () => {
    const agent = await start()
    await untilStable(agent)
    const body = JSON.parse((await probe(`${agent.url}/messages`)).body)
    expect(Object.keys(body)).toEqual(['$schema', 'messages'])
    expect(body.messages).toHaveLength(1)
    expect(Object.keys(body.messages[0])).toEqual(['id', 'content', 'role', 'time'])
    expect(body.messages[0]).toMatchObject({
      id: 0,
      role: 'agent',
      content: "Hello! I'm ready to help you. Please send me a message to echo back.",
    })
    expect(body.messages[0].time).toMatch(RFC3339_NANO)
  })

  it('answers a user message with {"ok":true} once the message is recorded', async () => {
    const agent = await start()
    await untilStable(agent)
    const res = await postMessage(agent.url, { content: '  hi\n', type: 'user' })
    expect(res.body).toBe(
      `{"$schema":"http://127.0.0.1:${agent.port}/schemas/MessageResponseBody.json","ok":true}\n`,
    )
    expect(res.headers.link).toBe('</schemas/MessageResponseBody.json>; rel="describedBy"')
    const { messages } = JSON.parse((await probe(`${agent.url}/messages`)).body)
    expect(messages[1]).toMatchObject({ id: 1, role: 'user', content: 'hi' })
  })

  it('accepts property names in any case, and a $schema property, as huma does', async () => {
    const agent = await start()
    await untilStable(agent)
    const res = await postMessage(agent.url, {
      $schema: 'http://x/y.json',
      Content: 'hi',
      TYPE: 'user',
    })
    expect(res.status).toBe(200)
  })
})

describe('echo agent problems', () => {
  const start = useEchoAgents()
  const problem = (port: number, rest: string) =>
    `{"$schema":"http://127.0.0.1:${port}/schemas/ErrorModel.json",${rest}}\n`

  it.each([
    [
      'an empty body',
      '',
      'application/json',
      400,
      '"title":"Bad Request","status":400,"detail":"request body is required"',
    ],
    [
      'malformed JSON',
      'x{',
      'application/json',
      400,
      `"title":"Bad Request","status":400,"detail":"validation failed","errors":[{"message":"invalid character 'x' looking for beginning of value","location":"body","value":"x{"}]`,
    ],
    [
      'a form body (curl -d without -H)',
      'content=hi',
      'application/x-www-form-urlencoded',
      415,
      '"title":"Unsupported Media Type","status":415,"detail":"validation failed","errors":[{"message":"unknown content type: application/x-www-form-urlencoded","location":"body","value":"content=hi"}]',
    ],
    [
      'a missing type',
      '{"content":"hi"}',
      'application/json',
      422,
      '"title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected required property type to be present","location":"body","value":{"content":"hi"}}]',
    ],
    [
      'a bad type',
      '{"content":"hi","type":"foo"}',
      'application/json',
      422,
      '"title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected value to be one of \\"user, raw\\"","location":"body.type","value":"foo"}]',
    ],
    [
      'an unknown property (value echoed with sorted keys)',
      '{"type":"user","foo":1,"content":"hi"}',
      'application/json',
      422,
      '"title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"unexpected property","location":"body.foo","value":{"content":"hi","foo":1,"type":"user"}}]',
    ],
    [
      'a content that is not a string',
      '{"content":5,"type":"user"}',
      'application/json',
      422,
      '"title":"Unprocessable Entity","status":422,"detail":"validation failed","errors":[{"message":"expected string","location":"body.content","value":5}]',
    ],
    [
      'an empty message',
      '{"content":" \\n\\t ","type":"user"}',
      'application/json',
      500,
      '"title":"Internal Server Error","status":500,"detail":"unexpected error occurred","errors":[{"message":"failed to send message: message must not be empty"}]',
    ],
  ])('refuses %s exactly as agentapi does', async (_case, body, contentType, status, fields) => {
    const agent = await start()
    await untilStable(agent)
    const res = await probe(`${agent.url}/message`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    })
    expect(res.status).toBe(status)
    expect(res.headers['content-type']).toBe('application/problem+json')
    expect(res.headers.link).toBe('</schemas/ErrorModel.json>; rel="describedBy"')
    expect(res.body).toBe(problem(agent.port, fields))
  })

  it('refuses a user message while the agent is not ready', async () => {
    const agent = await start({ neverReady: true })
    const res = await postMessage(agent.url, { content: 'hi', type: 'user' })
    expect(res.status).toBe(500)
    expect(res.body).toBe(
      problem(
        agent.port,
        '"title":"Internal Server Error","status":500,"detail":"unexpected error occurred","errors":[{"message":"failed to send message: message can only be sent when the agent is waiting for user input"}]',
      ),
    )
  })

  it('refuses a second user message while the first is being answered', async () => {
    const agent = await start({ settleMs: 5000 })
    await untilStable(agent)
    expect((await postMessage(agent.url, { content: 'one', type: 'user' })).status).toBe(200)
    const second = await postMessage(agent.url, { content: 'two', type: 'user' })
    expect(second.status).toBe(500)
    expect(JSON.parse(second.body).errors[0].message).toContain('waiting for user input')
  })

  it('refuses a body of 1 MiB with 413', async () => {
    const agent = await start()
    const body = JSON.stringify({ content: 'x'.repeat(1024 * 1024), type: 'user' })
    const res = await probe(`${agent.url}/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({
      detail: 'request body is too large limit=1048576 bytes',
    })
  })
})
