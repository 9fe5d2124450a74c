import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { type ProbeResponse, postMessage, probe } from './probe.ts'
import { untilStable, useEchoAgents } from './test-agents.ts'

const NAMES = [
  'StatusResponseBody',
  'AgentStatus',
  'Transport',
  'MessagesResponseBody',
  'Message',
  'ConversationRole',
  'MessageRequestBody',
  'MessageType',
  'MessageResponseBody',
  'UploadResponseBody',
  'ErrorModel',
  'ErrorDetail',
]

describe('echo agent JSON Schemas', () => {
  const start = useEchoAgents()

  it('serves the schema each body’s $schema and Link name, and the bodies conform to it', async () => {
    const agent = await start()
    await untilStable(agent)
    const ajv = new Ajv({ strict: false, validateFormats: false })
    for (const name of NAMES) {
      const res = await probe(`${agent.url}/schemas/${name}.json`)
      expect(res.status, name).toBe(200)
      expect(res.headers['content-type']).toBe('application/json')
      ajv.addSchema(JSON.parse(res.body), `${agent.url}/schemas/${name}.json`)
    }
    const conforms = (res: ProbeResponse) => {
      const body = JSON.parse(res.body)
      const link = /^<([^>]+)>; rel="describedBy"$/.exec(String(res.headers.link))?.[1]
      expect(`${agent.url}${link}`).toBe(body.$schema)
      const validate = ajv.getSchema(body.$schema)
      expect(validate?.(body), `${res.body} ${JSON.stringify(validate?.errors)}`).toBe(true)
    }
    conforms(await probe(`${agent.url}/status`))
    conforms(await postMessage(agent.url, { content: 'hi', type: 'user' }))
    await untilStable(agent)
    conforms(await probe(`${agent.url}/messages`))
    conforms(await postMessage(agent.url, { content: 'no type' }))
  })

  it('answers 404 for a name it does not describe', async () => {
    const agent = await start()
    for (const path of ['/schemas/Nope.json', '/schemas/Message', '/schemas/']) {
      expect((await probe(`${agent.url}${path}`)).status, path).toBe(404)
    }
  })
})
