import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import { eventually, startTestServer, type TestServer } from '../testing/index.ts'
import { activeSession, call, expectCutWithin, openStream } from './test-fixture.ts'

// Two replicas on one PostgreSQL, in this process: a link made and revoked on one stops working
// on the other, and the stream the other holds open through it ends within a second.

const ALICE = 'alice-static-key-0000000000001'
const api_keys = [{ key: ALICE, user_id: 'alice', role: 'admin', permissions: ['*'] }]

await describeWithPostgres('share links across replicas', () => {
  const schema = `aap_shares_${randomBytes(5).toString('hex')}`
  const encryption_key = randomBytes(32).toString('base64')
  let a: TestServer
  let b: TestServer

  const replica = (id: string) =>
    startTestServer({
      auth: { enabled: true, static: { enabled: true, api_keys } },
      persistence: { backend: 'postgres', url: POSTGRES_URL, schema, encryption_key },
      replica: { id },
    })

  beforeAll(async () => {
    a = await replica('share-a')
    b = await replica('share-b')
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    const admin = new pg.Client({ connectionString: POSTGRES_URL })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade`)
    await admin.end()
  })

  it('a link revoked on one replica is refused and cut on the other', async () => {
    const session = await activeSession(a.url, ALICE)
    const created = await call(a.url, ALICE, 'POST', `/sessions/${session}/share`, {})
    expect(created.status).toBe(201)
    const path = created.body.path as string
    expect((await call(b.url, '', 'GET', `${path}messages`)).status).toBe(200)
    const stream = await openStream(`${b.url}${path}events`)
    await eventually(async () => {
      const { body } = await call(b.url, ALICE, 'GET', `/sessions/${session}/share`)
      return body.shares[0]?.viewers === 1 ? true : undefined
    })
    const since = performance.now()
    const revoked = await call(a.url, ALICE, 'DELETE', `/sessions/${session}/share`)
    expect(revoked.body.revoked).toStrictEqual([created.body.id])
    await expectCutWithin(stream, since)
    const after = await call(b.url, '', 'GET', `${path}status`)
    expect(after.status).toBe(404)
    expect(after.body.code).toBe('share_not_found')
  })
})
