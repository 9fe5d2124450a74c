import { describe, expect, it } from 'vitest'
import { AGENT_SECRET_HEADER } from '../agent-guard/contract.ts'
import { AppError } from '../errors.ts'
import { OpenLinks } from '../shares/open-links.ts'
import { MemoryShareStore } from '../shares/share-store.ts'
import { StreamRegistry } from './stream-registry.ts'
import {
  closeAfterEach,
  echoRequest,
  FakeDirectory,
  listen,
  SESSION,
  send,
  startProxy,
} from './testbed.ts'

const closeLater = closeAfterEach()
const TOKEN = 'aas_token-of-the-test'
const SHARE = {
  id: 'shr_AAAAAAAAAAAAAAAA',
  session_id: SESSION,
  expires_at: '2099-01-01T00:00:00.000Z',
}

async function sharedProxy() {
  const agent = closeLater(await listen(echoRequest))
  const directory = new FakeDirectory().set(SESSION, { url: agent.url, secret: 'agent-secret' })
  const links = new OpenLinks({ store: new MemoryShareStore(), cut: () => {} })
  const proxy = await startProxy({
    directory,
    streams: new StreamRegistry(),
    // A share link never authenticates: a call here is a bug the test must see.
    authenticate: async () => {
      throw new Error('authenticate was called for a share link')
    },
    shares: {
      links,
      resolve: async (token) => {
        if (token === TOKEN) return SHARE
        throw new AppError('share_not_found', 'no such link')
      },
    },
  })
  closeLater(proxy)
  return { proxy, agent }
}

describe('forwarder: share links', () => {
  it("adds the session's secret, drops the viewer's credentials, rewrites Host, keeps the query", async () => {
    const { proxy, agent } = await sharedProxy()
    const res = await send(`${proxy.url}/s/${TOKEN}/messages?after=2`, {
      headers: {
        authorization: 'Bearer secret-1',
        'x-api-key': 'secret-2',
        cookie: 'agentapi_proxy_session=secret-3',
        [AGENT_SECRET_HEADER]: 'forged',
      },
    })
    expect(res.status).toBe(200)
    const seen = JSON.parse(res.body)
    expect(seen.url).toBe('/messages?after=2')
    expect(JSON.stringify(seen.headers)).not.toMatch(/secret-\d|forged/)
    expect(seen.headers[AGENT_SECRET_HEADER]).toBe('agent-secret')
    expect(seen.headers.host).toBe(`127.0.0.1:${agent.port}`)
  })

  it('answers 403 for anything but reading, and 404 for an unknown token, as problem+json without the token', async () => {
    const { proxy } = await sharedProxy()
    const post = await send(`${proxy.url}/s/${TOKEN}/message`, { method: 'POST', body: '{}' })
    expect(post.status).toBe(403)
    expect(post.headers['content-type']).toContain('application/problem+json')
    const unknown = await send(`${proxy.url}/s/aas_unknown-token-here/status`)
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'share_not_found' })
    expect(unknown.body).not.toContain('unknown-token-here')
  })
})
