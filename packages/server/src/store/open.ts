import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import SQLite from 'libsql'
import pg from 'pg'
import { type AuditStore, MemoryAuditStore } from '../audit/audit-store.ts'
import { MemoryApiKeyStore } from '../auth/api-key-store.ts'
import type { AuthStores } from '../auth/from-config.ts'
import { MemoryOAuthStateStore, MemoryOAuthTokenStore } from '../auth/oauth-store.ts'
import type { Logger } from '../logger.ts'
import {
  type EncryptionKey,
  findEncryptionKey,
  keepEncryptionKey,
} from '../secrets/encryption-key.ts'
import { SecretBox } from '../secrets/secret-box.ts'
import { MemoryShareStore, type ShareStore } from '../shares/share-store.ts'
import { ChangeFeed } from './change-feed.ts'
import type { Database, SqlDialectName } from './database.ts'
import { releasingFailedStatements } from './failed-statements.ts'
import { refuseOtherKey, verifyEncryptionKey } from './key-check.ts'
import { MemorySessionStore } from './memory.ts'
import { migrateToLatest } from './migrations/provider.ts'
import { listenForChanges } from './postgres-changes.ts'
import { probePostgres } from './postgres-probe.ts'
import { RetryingSessionStore } from './retrying-store.ts'
import type { SessionStore } from './session-store.ts'
import { SqlSessionStore } from './sql.ts'
import { SqlApiKeyStore } from './sql-api-keys.ts'
import { SqlAuditStore } from './sql-audit.ts'
import { SqlOAuthStateStore, SqlOAuthTokenStore } from './sql-oauth.ts'
import { SqlShareStore } from './sql-shares.ts'
import { sqliteFileCheck } from './sqlite-file.ts'
import { type ObserveQuery, timedStore } from './timed-store.ts'

/** The `persistence` section of the config, plus fields it may grow. */
export interface PersistenceSettings {
  enabled: boolean
  backend: SqlDialectName
  /** The SQLite file. */
  path: string
  /** The PostgreSQL connection string. */
  url?: string | undefined
  /** Base64 of 32 bytes; otherwise the environment or the data directory's key file. */
  encryption_key?: string | undefined
  /** PostgreSQL schema to use (created when missing); the server's default search_path if unset. */
  schema?: string | undefined
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  logger: Logger
  /** Where the generated key file lives; the SQLite file's directory, or `data`, by default. */
  dataDir?: string
  /** Read for AGENTAPI_PROXY_ENCRYPTION_KEY; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>
  /** Overrides `persistence.schema` (tests use a fresh one per run). */
  schema?: string
  /** A key start-up already found (see `findEncryptionKey`); found here otherwise. */
  key?: EncryptionKey
  /** Hears the duration of every SQL store operation (the `/metrics` histogram). */
  observeQuery?: ObserveQuery
  /** How many session events the log keeps (config `events.replay_events`). */
  eventLimit?: number
}

/** An open store and what to close when the server stops. */
export interface OpenedStore {
  store: SessionStore
  /** The SQL connection, for other stores to share; null when persistence is off. */
  db: Kysely<Database> | null
  /** API keys and OAuth rows: in the same database as the sessions, or in memory with them. */
  authStores: AuthStores
  /** Share links, beside the sessions they read. */
  shares: ShareStore
  /** The audit log's rows: in the same database as the sessions, or in memory with them. */
  auditStore: AuditStore
  close(): Promise<void>
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const BUSY_TIMEOUT_MS = 5000
const IDLE_IN_TRANSACTION_MS = 5000

/** A connection and what the session store built on it needs to know about it. */
interface OpenedDatabase {
  db: Kysely<Database>
  checkFile?: () => Promise<void>
  onFailing?: (failing: boolean) => void
}

/**
 * Opens the configured session store: in memory when persistence is off, else SQLite or
 * PostgreSQL, migrated to the latest schema, with secrets sealed by the configured (or generated)
 * encryption key — which is checked against the database before anything is read.
 *
 * @example
 * const opened = await openStore(config.persistence, { logger })
 * // …
 * await opened.close()
 */
export async function openStore(
  persistence: PersistenceSettings,
  options: OpenStoreOptions,
): Promise<OpenedStore> {
  if (!persistence.enabled) {
    const store = new MemorySessionStore(
      options.eventLimit ? { eventLimit: options.eventLimit } : {},
    )
    const authStores: AuthStores = {
      apiKeys: new MemoryApiKeyStore(),
      oauthStates: new MemoryOAuthStateStore(),
      oauthTokens: new MemoryOAuthTokenStore(),
    }
    const auditStore = new MemoryAuditStore()
    return {
      store,
      db: null,
      authStores,
      shares: new MemoryShareStore(),
      auditStore,
      close: () => store.close(),
    }
  }
  const { logger } = options
  const found =
    options.key ??
    (await findEncryptionKey({
      configKey: persistence.encryption_key,
      env: options.env ?? process.env,
      dataDir: options.dataDir ?? defaultDataDir(persistence),
    }))
  const opened =
    persistence.backend === 'postgres'
      ? await openPostgres(persistence, options)
      : await openSqlite(persistence.path)
  const { db } = opened
  try {
    // Before migrating or saving a generated key: a database written with another key is left
    // exactly as it was.
    await refuseOtherKey(db, new SecretBox(found.key), found)
    await migrateToLatest(db, persistence.backend)
    const key = await keepEncryptionKey(found)
    if (key.source === 'generated') {
      logger.warn({ path: key.path }, 'generated an encryption key; back it up with the database')
    }
    const box = new SecretBox(key.key)
    await verifyEncryptionKey(db, box, key)
    logger.info({ backend: persistence.backend, key_source: key.source }, 'session store open')
    const feed = new ChangeFeed()
    // Every replica hears every change; SQLite has one process, whose store tells it itself.
    const listener =
      persistence.backend === 'postgres' && persistence.url
        ? await listenForChanges({ url: persistence.url, feed, logger })
        : null
    const store = await sessionStore(opened, box, feed, persistence.backend, options).catch(
      async (error: unknown) => {
        await listener?.close()
        throw error
      },
    )
    // One connection for everything: a sign-in and the sessions it starts live and are backed up
    // together, and GitHub's token is sealed with the same checked key as session secrets.
    const authStores: AuthStores = {
      apiKeys: new SqlApiKeyStore(db),
      oauthStates: new SqlOAuthStateStore(db),
      oauthTokens: new SqlOAuthTokenStore(db, box),
    }
    const sqlAudit = new SqlAuditStore(db)
    const auditStore = options.observeQuery
      ? timedStore(sqlAudit, 'audit', options.observeQuery)
      : sqlAudit
    let closing: Promise<void> | undefined
    const close = () => {
      // Updates still kept for retry get their last chance before the connection goes.
      closing ??= store
        .close()
        .then(() => listener?.close())
        .then(() => closeDatabase(db, persistence.backend))
      return closing
    }
    return { store, db, authStores, shares: new SqlShareStore(db), auditStore, close }
  } catch (error) {
    await db.destroy()
    throw error
  }
}

/**
 * The SQL session store behind the writer that keeps and retries what it refuses; rows from before
 * every environment value was sealed are sealed first.
 */
async function sessionStore(
  opened: OpenedDatabase,
  box: SecretBox,
  changes: ChangeFeed,
  dialect: SqlDialectName,
  options: OpenStoreOptions,
) {
  const inner = new SqlSessionStore(opened.db, {
    box,
    changes,
    dialect,
    ...(options.eventLimit ? { eventLimit: options.eventLimit } : {}),
    ...(opened.checkFile ? { checkFile: opened.checkFile } : {}),
  })
  const resealed = await inner.sealPlaintextEnvironments()
  if (resealed > 0) {
    options.logger.info({ sessions: resealed }, 'sealed plaintext environment values')
  }
  const timed = options.observeQuery ? timedStore(inner, 'sessions', options.observeQuery) : inner
  return new RetryingSessionStore(timed, {
    logger: options.logger,
    ...(opened.onFailing ? { onFailing: opened.onFailing } : {}),
  })
}

async function openSqlite(path: string): Promise<OpenedDatabase> {
  await mkdir(dirname(resolve(path)), { recursive: true })
  const database = new SQLite(path)
  const checkFile = sqliteFileCheck(path)
  // WAL lets readers run beside the writer, and with synchronous=NORMAL a committed write
  // survives a crash of the process (not of the machine) without an fsync per commit.
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  database.pragma('foreign_keys = ON')
  // Refreshes planner statistics when they are missing or stale (SQLite's advice on open); with
  // them, a tag filter for one user starts from the user's index instead of the tag's.
  database.pragma('optimize = 0x10002')
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: releasingFailedStatements(database) }),
  })
  // libsql is synchronous: a write waiting on another process's lock blocks the event loop for
  // the whole busy timeout. While writes are already failing, retries give up at once instead,
  // so a held lock costs one stall, not one per retry.
  const onFailing = (failing: boolean) => {
    database.pragma(`busy_timeout = ${failing ? 0 : BUSY_TIMEOUT_MS}`)
  }
  return { db, checkFile, onFailing }
}

async function openPostgres(
  persistence: PersistenceSettings,
  options: OpenStoreOptions,
): Promise<OpenedDatabase> {
  if (!persistence.url) throw new Error('persistence.url is required when backend is postgres')
  const schema = options.schema ?? persistence.schema
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`persistence.schema must match ${SCHEMA_NAME} (got ${JSON.stringify(schema)})`)
  }
  await probePostgres(persistence.url)
  // search_path, set as a startup option, puts every table (and Kysely's own migration tables)
  // in the schema without qualifying a single query.
  const pool = new pg.Pool({
    connectionString: persistence.url,
    // Names the proxy's backends in pg_stat_activity; `?application_name=` in the URL wins.
    fallback_application_name: 'agentapi-proxy',
    // A replica that stops between two statements of a transaction (frozen, or cut off) would
    // hold its row locks until its connection dies; PostgreSQL ends such a transaction instead,
    // so the other replicas can take over its sessions.
    options: [
      `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
      ...(schema ? [`-c search_path=${schema}`] : []),
    ].join(' '),
  })
  const { logger } = options
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client failed'))
  // The pool listens for errors only on idle clients: a backend terminated while its client is
  // checked out (pg_terminate_backend, a failover) emits 'error' on a Client nobody listens to,
  // which throws and ends the process. The query it ran rejects as well, and the pool drops the
  // client when it comes back; this listener only keeps the event from being fatal.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost'))
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db)
  } catch (error) {
    await db.destroy()
    throw error
  }
  return { db }
}

/**
 * Where the generated key file goes unless `dataDir` says otherwise: beside the SQLite file, or
 * `./data` for PostgreSQL.
 */
export function defaultDataDir(persistence: Pick<PersistenceSettings, 'backend' | 'path'>): string {
  return persistence.backend === 'sqlite' ? dirname(resolve(persistence.path)) : resolve('data')
}

async function closeDatabase(db: Kysely<Database>, backend: SqlDialectName): Promise<void> {
  // SQLite's advice for long-lived connections: refresh planner statistics before closing. Only
  // advice: on a disk that fails writes it fails too, and the connection must close all the same.
  if (backend === 'sqlite') await sql`pragma optimize`.execute(db).catch(() => undefined)
  await db.destroy()
}
