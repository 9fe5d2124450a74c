import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import SQLite from 'libsql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, startTestServer, type TestServer } from '../testing/index.ts'
import { activeSession, call, expectCutWithin, openStream } from './test-fixture.ts'

// Share links through a real server, real echo agents and real sockets: what a link reads
// without credentials, what it is refused, and that revocation, expiry and deletion end it.

const ALICE = 'alice-static-key-0000000000001'
const BOB = 'bob-static-key-00000000000001'
const ADMIN = 'admin-static-key-000000000001'
const api_keys = [
  {
    key: ALICE,
    user_id: 'alice',
    role: 'member',
    permissions: ['session:create', 'session:list', 'session:access', 'session:delete'],
  },
  {
    key: BOB,
    user_id: 'bob',
    role: 'member',
    permissions: ['session:create', 'session:list', 'session:access', 'session:delete'],
  },
  { key: ADMIN, user_id: 'root', role: 'admin', permissions: ['*'] },
]

let proxy: TestServer
let session: string
let other: string

beforeAll(async () => {
  proxy = await startTestServer({ auth: { enabled: true, static: { enabled: true, api_keys } } })
  ;[session, other] = await Promise.all([
    activeSession(proxy.url, ALICE),
    activeSession(proxy.url, ALICE),
  ])
})
afterAll(async () => {
  await proxy?.close()
})

const share = async (id = session, body?: unknown, key = ALICE) => {
  const created = await call(proxy.url, key, 'POST', `/sessions/${id}/share`, body)
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return created.body as {
    id: string
    token: string
    path: string
    url: string
    expires_at: string
  }
}

/** Sets a link's expiry in the server's database, as time passing would. */
function expireAt(shareId: string, at: Date): void {
  const db = new SQLite(join(proxy.dir, 'proxy.sqlite'))
  try {
    db.prepare('update session_shares set expires_at = ? where id = ?').run(
      at.toISOString(),
      shareId,
    )
  } finally {
    db.close()
  }
}

function rawGet(path: string): Promise<{ status: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}/`, { path }, (res) => {
      res.resume()
      resolve({ status: res.statusCode })
    })
    req.once('error', reject)
    req.end()
  })
}

describe('a share link', () => {
  it('reads status, messages and events without credentials', async () => {
    const link = await share()
    expect(link.url).toBe(`${proxy.url}/s/${link.token}/`)
    const status = await call(proxy.url, '', 'GET', `${link.path}status`)
    expect(status.status).toBe(200)
    expect(status.body.status).toBe('stable')
    const messages = await call(proxy.url, '', 'GET', `${link.path}messages`)
    expect(messages.status).toBe(200)
    expect(messages.body.messages[0].role).toBe('agent')
    const stream = await openStream(`${proxy.url}${link.path}events`)
    expect(stream.text()).toContain('event: ')
    stream.destroy()
  })

  it('is refused everything but reading, with problem+json, and never reaches another session', async () => {
    const link = await share()
    const refused = [
      ['POST', 'message', { content: 'hi', type: 'user' }],
      ['POST', 'upload', undefined],
      ['PUT', 'status', undefined],
      ['DELETE', 'messages', undefined],
      ['GET', 'openapi.json', undefined],
      ['GET', 'search', undefined],
      ['GET', `sessions/${other}`, undefined],
      ['GET', `${other}/status`, undefined],

      ['GET', '', undefined],
    ] as const
    for (const [method, rest, body] of refused) {
      const res = await call(proxy.url, '', method, `${link.path}${rest}`, body)
      expect(res.status, `${method} ${rest}`).toBe(403)
      expect(res.type).toContain('application/problem+json')
      expect(res.body.code).toBe('forbidden')
    }
    expect((await fetch(`${proxy.url}${link.path}status`, { method: 'HEAD' })).status).toBe(403)
    // Dot segments sent as they are (fetch would resolve them first) are no way out either.
    for (const up of ['../../', '%2e%2e/%2e%2e/', '..%2f..%2f']) {
      expect((await rawGet(`${link.path}${up}${other}/status`)).status).toBe(403)
    }
    const resolved = await call(proxy.url, '', 'GET', `${link.path}../${other}/status`)
    expect(resolved.body.code).toBe('share_not_found')
    // The token is no credential for the API or the session paths.
    for (const [method, path] of [
      ['GET', '/search'],
      ['GET', `/sessions/${session}`],
      ['GET', `/sessions/${session}/share`],
      ['POST', `/sessions/${session}/share`],
      ['DELETE', `/sessions/${session}`],
      ['GET', '/api-keys'],
      ['GET', `/${session}/status`],
      ['GET', `/${other}/status`],
    ] as const) {
      for (const headers of [
        { 'x-api-key': link.token },
        { authorization: `Bearer ${link.token}` },
      ] as Record<string, string>[]) {
        const res = await fetch(`${proxy.url}${path}`, { method, headers })
        expect(res.status, `${method} ${path}`).toBe(401)
      }
    }
  })

  it('answers 404 for an unknown token and for a revoked one, 410 for an expired one', async () => {
    expect((await call(proxy.url, '', 'GET', '/s/aas_nothing/status')).body.code).toBe(
      'share_not_found',
    )
    const revoked = await share()
    const gone = await call(proxy.url, ALICE, 'DELETE', `/sessions/${session}/share/${revoked.id}`)
    expect(gone.body).toStrictEqual({ revoked: [revoked.id] })
    const afterRevoke = await call(proxy.url, '', 'GET', `${revoked.path}status`)
    expect(afterRevoke.status).toBe(404)
    expect(afterRevoke.body.code).toBe('share_not_found')

    const expired = await share()
    expireAt(expired.id, new Date(Date.now() - 1_000))
    const afterExpiry = await call(proxy.url, '', 'GET', `${expired.path}messages`)
    expect(afterExpiry.status).toBe(410)
    expect(afterExpiry.body.code).toBe('share_expired')

    // A day after its expiry a link is swept away when the next one is made: then it is unknown.
    expireAt(expired.id, new Date(Date.now() - 25 * 3600_000))
    await share()
    expect((await call(proxy.url, '', 'GET', `${expired.path}messages`)).status).toBe(404)
  })

  it('is cut within a second when revoked, and when it expires', async () => {
    const link = await share()
    const stream = await openStream(`${proxy.url}${link.path}events`)
    const since = performance.now()
    expect(
      (await call(proxy.url, ALICE, 'DELETE', `/sessions/${session}/share/${link.id}`)).status,
    ).toBe(200)
    await expectCutWithin(stream, since)

    const short = await share()
    const at = Date.now() + 1_500
    expireAt(short.id, new Date(at))
    const expiring = await openStream(`${proxy.url}${short.path}events`)
    await expectCutWithin(expiring, performance.now() + (at - Date.now()))
  })

  it('is cut when all of the session’s links are revoked, and when the session is deleted', async () => {
    const doomed = await activeSession(proxy.url, ALICE)
    const [a, b] = [await share(doomed), await share(doomed)]
    const first = await openStream(`${proxy.url}${a.path}events`)
    let since = performance.now()
    const all = await call(proxy.url, ALICE, 'DELETE', `/sessions/${doomed}/share`)
    expect(all.body.revoked.sort()).toStrictEqual([a.id, b.id].sort())
    await expectCutWithin(first, since)

    const c = await share(doomed)
    const second = await openStream(`${proxy.url}${c.path}events`)
    since = performance.now()
    expect((await call(proxy.url, ALICE, 'DELETE', `/sessions/${doomed}`)).status).toBe(200)
    await expectCutWithin(second, since)
    const ended = await call(proxy.url, '', 'GET', `${c.path}status`)
    expect(ended.status).toBe(410)
    expect(ended.body.code).toBe('session_ended')
    // An ended session has nothing left to share.
    const late = await call(proxy.url, ALICE, 'POST', `/sessions/${doomed}/share`)
    expect(late.status).toBe(410)
    expect(late.body.code).toBe('session_ended')
  })

  it('shows the owner how many viewers are connected', async () => {
    const link = await share(other)
    const viewers = async () => {
      const { body } = await call(proxy.url, ALICE, 'GET', `/sessions/${other}/share`)
      return body.shares.find((s: { id: string }) => s.id === link.id)?.viewers
    }
    expect(await viewers()).toBe(0)
    const one = await openStream(`${proxy.url}${link.path}events`)
    const two = await openStream(`${proxy.url}${link.path}events`)
    expect(await viewers()).toBe(2)
    one.destroy()
    await eventually(async () => ((await viewers()) === 1 ? true : undefined))
    two.destroy()
    await eventually(async () => ((await viewers()) === 0 ? true : undefined))
  })

  it('is made, listed and revoked only by the owner or an admin: bob gets 404 as for any missing id', async () => {
    for (const [method, path] of [
      ['POST', `/sessions/${session}/share`],
      ['GET', `/sessions/${session}/share`],
      ['DELETE', `/sessions/${session}/share`],
    ] as const) {
      const res = await call(proxy.url, BOB, method, path)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body.code).toBe('session_not_found')
    }
    const link = await share()
    const bobs = await call(proxy.url, BOB, 'DELETE', `/sessions/${session}/share/${link.id}`)
    expect(bobs.status).toBe(404)
    expect((await call(proxy.url, '', 'GET', `${link.path}status`)).status).toBe(200)
    const admins = await share(session, undefined, ADMIN)
    const listed = await call(proxy.url, ALICE, 'GET', `/sessions/${session}/share`)
    expect(listed.body.shares.find((s: { id: string }) => s.id === admins.id)?.created_by).toBe(
      'root',
    )
  })

  it('takes an expiry in seconds or as a time, bounded, and names a bad field', async () => {
    const hour = await share(session, { expires_in: 3600 })
    expect(Date.parse(hour.expires_at) - Date.now()).toBeGreaterThan(3590_000)
    expect(Date.parse(hour.expires_at) - Date.now()).toBeLessThanOrEqual(3600_000)
    for (const body of [
      { expires_in: 10 },
      { expires_in: 31 * 86_400 },
      { expires_at: new Date(Date.now() - 1000).toISOString() },
      { expires_in: 3600, expires_at: new Date(Date.now() + 7200_000).toISOString() },
      { expires: '1h' },
    ]) {
      const res = await call(proxy.url, ALICE, 'POST', `/sessions/${session}/share`, body)
      expect(res.status, JSON.stringify(body)).toBe(422)
      expect(res.body.errors[0].path).toMatch(/expires/)
    }
  })

  it('keeps only the SHA-256 of the token in the database', async () => {
    const link = await share()
    const db = new SQLite(join(proxy.dir, 'proxy.sqlite'), { readonly: true })
    try {
      const row = db.prepare('select * from session_shares where id = ?').get(link.id) as Record<
        string,
        unknown
      >
      expect(row.hash).toBe(createHash('sha256').update(link.token).digest('hex'))
      expect(Object.values(row)).not.toContain(link.token)
      expect(String(row.prefix).length).toBeLessThan(link.token.length / 2)
    } finally {
      db.close()
    }
    const file = join(proxy.dir, 'proxy.sqlite')
    for (const path of [file, `${file}-wal`]) {
      const bytes = readFileSync(path).toString('latin1')
      expect(bytes).not.toContain(link.token)
    }
  })
})
