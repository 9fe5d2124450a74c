import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithPostgres, POSTGRES_URL } from '../../test/postgres.ts'
import { eventually } from '../testing/index.ts'
import { ChangeFeed } from './change-feed.ts'
import { listenForChanges, type PostgresChanges } from './postgres-changes.ts'
import { CHANGES_CHANNEL } from './sql.ts'

await describeWithPostgres('the PostgreSQL change listener', () => {
  // Its own application_name, so terminating it cannot touch another test's connections.
  const name = `aap-listener-${randomBytes(4).toString('hex')}`
  const url = `${POSTGRES_URL}?application_name=${name}`
  let admin: pg.Pool
  beforeAll(() => {
    admin = new pg.Pool({ connectionString: POSTGRES_URL })
  })
  afterAll(() => admin.end())

  const notify = (payload: string) =>
    admin.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, payload])

  it('hands on every NOTIFY, and after losing its connection says so, reconnects and listens again', async () => {
    const feed = new ChangeFeed()
    const heard: string[] = []
    const reliability: boolean[] = []
    feed.subscribe((change) => {
      heard.push(change)
      if (change === '*') reliability.push(feed.reliable)
    })
    let listener: PostgresChanges | null = null
    try {
      listener = await listenForChanges({ url, feed, logger: pino({ level: 'silent' }) })
      await notify('session-1')
      await eventually(async () => (heard.includes('session-1') ? true : undefined))

      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [name],
      )
      expect(rowCount).toBe(1)
      // Lost (caches stop trusting themselves), then back (caches reload).
      await eventually(async () => (reliability.join() === 'true,false,true' ? true : undefined))
      expect(feed.reliable).toBe(true)

      await notify('session-2')
      await eventually(async () => (heard.includes('session-2') ? true : undefined))
    } finally {
      await listener?.close()
    }
  })
})

describe('ChangeFeed', () => {
  it('stops telling a listener that unsubscribed', () => {
    const feed = new ChangeFeed()
    const heard: string[] = []
    const stop = feed.subscribe((change) => heard.push(change))
    feed.emit('a')
    stop()
    feed.emit('b')
    expect(heard).toEqual(['a'])
  })
})
