import pg from 'pg'
import type { Logger } from '../logger.ts'
import type { ChangeFeed } from './change-feed.ts'
import { CHANGES_CHANNEL } from './sql.ts'
import { EVENTS_CHANNEL } from './sql-event-log.ts'

/** Options for {@link listenForChanges}. */
export interface PostgresChangesOptions {
  url: string
  feed: ChangeFeed
  logger: Logger
  /** How often the idle connection is checked (a dead TCP peer is otherwise never noticed). */
  checkEveryMs?: number
}

/** A running listener; `close` ends it for good. */
export interface PostgresChanges {
  close(): Promise<void>
}

const MAX_BACKOFF_MS = 5_000

/**
 * LISTENs for the NOTIFYs every replica's store sends (sql.ts) on a connection of its own — not
 * a pooled one, which would carry the LISTEN off to other queries — and hands each to `feed`.
 * When the connection is lost, changes may be missed: the feed is marked unreliable (caches
 * then read through), and a new connection is opened with backoff, LISTENs again and marks
 * the feed reliable, which every cache takes as "reload everything".
 */
export async function listenForChanges(options: PostgresChangesOptions): Promise<PostgresChanges> {
  const { feed, logger } = options
  let client: pg.Client | null = null
  let closed = false
  let backoff = 100
  let retry: NodeJS.Timeout | null = null

  const lost = (why: unknown) => {
    if (closed || client === null) return
    logger.warn({ err: why }, 'lost the PostgreSQL change listener; reconnecting')
    const dead = client
    client = null
    dead.end().catch(() => {})
    feed.setReliable(false)
    schedule()
  }

  const schedule = () => {
    if (closed || retry) return
    retry = setTimeout(() => {
      retry = null
      void connect().catch((error: unknown) => {
        logger.warn({ err: error }, 'could not reconnect the PostgreSQL change listener')
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
        schedule()
      })
    }, backoff)
    retry.unref()
  }

  const connect = async () => {
    const next = new pg.Client({
      connectionString: options.url,
      keepAlive: true,
      fallback_application_name: 'agentapi-proxy-listener',
    })
    next.on('error', (error) => lost(error))
    next.on('end', () => lost(new Error('connection ended')))
    next.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload) feed.emit(message.payload)
      if (message.channel === EVENTS_CHANNEL) feed.emitEvents(Number(message.payload))
    })
    try {
      await next.connect()
      await next.query(`listen ${CHANGES_CHANNEL}`)
      await next.query(`listen ${EVENTS_CHANNEL}`)
    } catch (error) {
      next.removeAllListeners('end')
      await next.end().catch(() => {})
      throw error
    }
    if (closed) {
      await next.end().catch(() => {})
      return
    }
    client = next
    backoff = 100
    feed.setReliable(true)
  }

  const check = setInterval(() => {
    client?.query('select 1').catch((error: unknown) => lost(error))
  }, options.checkEveryMs ?? 10_000)
  check.unref()

  await connect()
  return {
    async close() {
      closed = true
      clearInterval(check)
      if (retry) clearTimeout(retry)
      const last = client
      client = null
      last?.removeAllListeners('end')
      await last?.end().catch(() => {})
    },
  }
}
