import { eventually } from '@agentapi-proxy/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_KEY, startProxy, type TestProxy, withAuth } from '../../test/proxy.ts'
import { seconds } from './share.ts'

let proxy: TestProxy
let session: string
let url: string
beforeAll(async () => {
  proxy = await startProxy(withAuth)
  const res = await fetch(`${proxy.url}/start`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: '{}',
  })
  session = (await res.json()).session_id
  await eventually(async () => {
    const state = await fetch(`${proxy.url}/sessions/${session}`, {
      headers: { 'x-api-key': ADMIN_KEY },
    })
    return (await state.json()).status === 'active' ? true : undefined
  })
})
afterAll(() => proxy.close())

const as = { env: { AGENTAPI_PROXY_API_KEY: ADMIN_KEY } }

// In order: the link made by the first is listed and revoked by the next.
describe('agentapi-proxy share', () => {
  it('prints a link that reads the session signed out, and says it is shown once', async () => {
    const made = await proxy.cli(['share', session.slice(0, 8), '--expires', '1h'], as)
    expect(made.code, made.stderr).toBe(0)
    url = made.stdout.trim()
    expect(url).toMatch(new RegExp(`^${proxy.url}/s/aas_[A-Za-z0-9_-]{43}/$`))
    expect(made.stderr).toMatch(/never shown again/)
    const read = await fetch(`${url}messages`)
    expect(read.status).toBe(200)
  })

  it('lists the links as a table with their viewers, never their tokens', async () => {
    const listed = await proxy.cli(['share', 'list', session], as)
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toMatch(/^ID\s+PREFIX\s+CREATED BY\s+AGE\s+EXPIRES\s+VIEWERS\n/)
    expect(listed.stdout).toMatch(/alice\s.*\s0\n$/)
    expect(listed.stdout).not.toContain(url.split('/s/')[1]?.slice(0, 20))
  })

  it('revokes a link by its id, and then it is 404', async () => {
    const json = await proxy.cli(['share', 'list', session, '--json'], as)
    const [link] = JSON.parse(json.stdout).shares
    expect(link).toMatchObject({ session_id: session, created_by: 'alice', viewers: 0 })
    const revoked = await proxy.cli(['share', 'revoke', session, link.id], as)
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(revoked.stdout).toBe(`Share link ${link.id} revoked\n`)
    expect((await fetch(`${url}status`)).status).toBe(404)
  })

  it('revokes every link with all', async () => {
    const all = await proxy.cli(['share', 'revoke', session, 'all', '--json'], as)
    expect(JSON.parse(all.stdout)).toStrictEqual({ revoked: [] })
  })

  it('says what it takes when the arguments are wrong', async () => {
    const wrong = await proxy.cli(['share', 'revoke', 'abc'], as)
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/share takes: /)
    const bad = await proxy.cli(['share', session, '--expires', 'soon'], as)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--expires must be a duration/)
  })

  it('names a session that is not there', async () => {
    const missing = await proxy.cli(['share', crypto.randomUUID()], as)
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toMatch(
      /^error: session \S+ not found \(POST \/sessions\/\S+\/share → 404\)/,
    )
  })

  it('has help that shows its three forms and its options', async () => {
    const help = await proxy.cli(['share', '--help'])
    expect(help.code).toBe(0)
    for (const text of [
      'USAGE',
      'share list <id>',
      'share revoke',
      '--expires',
      '--url',
      '--json',
    ]) {
      // Help is wrapped to the terminal: a phrase may go on over a line break.
      expect(help.stdout.replace(/\s+/g, ' ')).toContain(text)
    }
  })

  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['1h', 3600],
    ['7d', 604_800],
  ])('reads --expires %s as %i seconds', (text, expected) => {
    expect(seconds(text)).toBe(expected)
  })
})
