import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../testing/eventually.ts'
import { startTestServer, type TestServer } from '../testing/test-server.ts'
import { type Received, send } from './testbed.ts'

/**
 * agentapi's `$schema` URLs and `Link` headers through a real server and its echo agent: they
 * name the session's public path, and following them through the proxy finds the schema.
 */

let proxy: TestServer
let id: string
let base: string
/** The proxy's host and port, as the caller wrote them. */
let host: string

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

async function status(): Promise<string> {
  return JSON.parse((await send(`${base}/status`)).body).status
}

/** Sends one message and waits for the echo's turn to end. */
async function say(content: string): Promise<void> {
  const sent = await send(`${base}/message`, json({ content, type: 'user' }))
  expect(sent.status, sent.body).toBe(200)
  await eventually(async () => ((await status()) === 'stable' ? true : undefined))
}

/** Checks a proxied JSON body's `$schema`, `Link` and length; returns the schema it names. */
async function expectSchemaLinks(res: Received, name: string): Promise<Record<string, unknown>> {
  const url = `http://${host}/${id}/schemas/${name}.json`
  expect(res.body.startsWith(`{"$schema":"${url}",`)).toBe(true)
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body))
  expect(res.headers.link).toBe(`</${id}/schemas/${name}.json>; rel="describedBy"`)
  const schema = await send(url)
  expect(schema.status).toBe(200)
  expect(schema.headers['content-type']).toBe('application/json')
  return JSON.parse(schema.body)
}

beforeAll(async () => {
  proxy = await startTestServer()
  host = new URL(proxy.url).host
  const started = await send(`http://${host}/start`, json({}))
  expect(started.status, started.body).toBe(201)
  id = JSON.parse(started.body).session_id
  base = `http://${host}/${id}`
  await eventually(async () => {
    const session = JSON.parse((await send(`http://${host}/sessions/${id}`)).body)
    return session.status === 'active' && session.agent_status === 'stable' ? true : undefined
  }, 20_000)
}, 30_000)

afterAll(async () => {
  await proxy?.close()
})

describe('$schema through the proxy', () => {
  it('names the session’s path in /status, and the schema is there', async () => {
    const res = await send(`${base}/status`)
    expect(res.status).toBe(200)
    const schema = await expectSchemaLinks(res, 'StatusResponseBody')
    expect(schema).toMatchObject({
      type: 'object',
      required: ['agent_type', 'status', 'transport'],
    })
    // The schema's references are agentapi's root-relative paths, served under the session's.
    const ref = (schema.properties as Record<string, { $ref?: string }>).status?.$ref
    expect(ref).toBe('/schemas/AgentStatus.json')
    expect((await send(`${base}${ref}`)).status).toBe(200)
  })

  it('names it in /messages, and in an error body', async () => {
    const messages = await send(`${base}/messages`)
    expect(messages.status).toBe(200)
    expect(await expectSchemaLinks(messages, 'MessagesResponseBody')).toMatchObject({
      required: ['messages'],
    })
    const refused = await send(`${base}/message`, json({ content: 'no type' }))
    expect(refused.status).toBe(422)
    expect(refused.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(refused.body)).toMatchObject({ status: 422, detail: 'validation failed' })
    const schema = await expectSchemaLinks(refused, 'ErrorModel')
    expect(Object.keys(schema.properties as object)).toContain('errors')
  })

  it('keeps a large /messages body whole', async () => {
    const before = JSON.parse((await send(`${base}/messages`)).body).messages.length
    const sent = Array.from({ length: 8 }, (_, i) => `${i}:${'x'.repeat(48 * 1024)}`)
    for (const content of sent) await say(content)
    const res = await send(`${base}/messages`)
    await expectSchemaLinks(res, 'MessagesResponseBody')
    const { messages } = JSON.parse(res.body) as { messages: { role: string; content: string }[] }
    expect(res.body.length).toBeGreaterThan(2 * 8 * 48 * 1024)
    expect(messages).toHaveLength(before + 2 * sent.length)
    const users = messages.filter((message) => message.role === 'user').slice(-sent.length)
    expect(users.map((message) => message.content)).toEqual(sent)
  })

  it('is left as the agent wrote it through a share link, which never names its token', async () => {
    const share = await send(`http://${host}/sessions/${id}/share`, json({ expires_in: 600 }))
    expect(share.status, share.body).toBe(201)
    const { token } = JSON.parse(share.body) as { token: string }
    const res = await send(`http://${host}/s/${token}/status`)
    expect(res.status).toBe(200)
    expect(res.body).not.toContain(token)
    expect(res.body).not.toContain(id)
    expect(res.body).toMatch(/^\{"\$schema":"http:\/\/(127\.0\.0\.1|localhost):\d+\/schemas\//)
    expect(res.headers.link).toBe('</schemas/StatusResponseBody.json>; rel="describedBy"')
  })
})
