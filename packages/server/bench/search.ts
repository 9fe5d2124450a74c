// `pnpm exec tsx packages/server/bench/search.ts`: how fast `/search`-shaped queries run through
// the SQLite session store with 100k sessions in it (goal: p50 ≤ 20 ms each). Fills a temp file
// in batched transactions, then times each query shape for a bounded number of runs.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionStatus } from '@agentapi-proxy/shared'
import { pino } from 'pino'
import { SecretBox } from '../src/secrets/secret-box.ts'
import { openStore } from '../src/store/open.ts'
import { sampleRecord } from '../src/store/sample-records.ts'
import type { SessionRecord } from '../src/store/session-record.ts'
import type { SessionFilter } from '../src/store/session-store.ts'
import { SqlSessionStore } from '../src/store/sql.ts'
import { percentile, printTable } from './stats.ts'

const SESSIONS = 100_000
const BATCH = 2_000
const USERS = 500
const TEAMS = 20
const LIMIT = 50
const RUNS = 300
const BUDGET_MS = 4_000
const GOAL_MS = 20

// Most sessions are over; a few are live, as on a server that has run for a while.
const STATUSES: [SessionStatus, number][] = [
  ['stopped', 0.72],
  ['failed', 0.1],
  ['active', 0.08],
  ['suspended', 0.05],
  ['starting', 0.03],
  ['stopping', 0.02],
]

// mulberry32 with a fixed seed, so every run measures the same data.
let seed = 42
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}
const pick = (n: number) => Math.floor(random() * n)

function status(): SessionStatus {
  let roll = random()
  for (const [name, share] of STATUSES) {
    roll -= share
    if (roll < 0) return name
  }
  return 'stopped'
}

function record(i: number): SessionRecord {
  // Skewed users (a few heavy ones), a year of start times with some exact ties.
  const user = Math.floor(random() ** 2 * USERS)
  const startedAt = new Date(Date.UTC(2026, 0, 1) + pick(365 * 24 * 3600) * 1000).toISOString()
  const tags: Record<string, string> = {}
  if (random() < 0.9) tags.team = `team-${pick(TEAMS)}`
  if (random() < 0.6) tags.env = ['prod', 'staging', 'dev'][pick(3)] as string
  if (random() < 0.3) tags.ticket = `OPS-${i}`
  return sampleRecord({
    session_id: `${i.toString(36).padStart(8, '0')}-${randomBytes(4).toString('hex')}`,
    user_id: `user-${user}`,
    status: status(),
    tags,
    started_at: startedAt,
    last_activity_at: startedAt,
  })
}

const dir = await mkdtemp(join(tmpdir(), 'aap-bench-search-'))
const env = { AGENTAPI_PROXY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }
const path = join(dir, 'sessions.sqlite')
const opened = await openStore(
  { enabled: true, backend: 'sqlite', path },
  { logger: pino({ level: 'silent' }), env, dataDir: dir },
)
try {
  const db = opened.db
  if (!db) throw new Error('expected a SQL store')
  const box = new SecretBox(Buffer.from(env.AGENTAPI_PROXY_ENCRYPTION_KEY, 'base64'))
  const t0 = performance.now()
  for (let start = 0; start < SESSIONS; start += BATCH) {
    await db.transaction().execute(async (trx) => {
      const batch = new SqlSessionStore(trx, { box })
      for (let i = start; i < Math.min(start + BATCH, SESSIONS); i++) await batch.insert(record(i))
    })
  }
  const fillMs = performance.now() - t0
  const sizeMb = (await stat(path)).size / 1024 / 1024
  console.log(
    `\nfilled ${SESSIONS} sessions in ${(fillMs / 1000).toFixed(1)} s (${sizeMb.toFixed(0)} MB)`,
  )

  const store = opened.store
  const user = () => `user-${Math.floor(random() ** 2 * USERS)}`
  const team = () => `team-${pick(TEAMS)}`
  // Deep pages: the cursor after a random number of pages of one team's sessions.
  const cursors: string[] = []
  let page = await store.search({ tags: { team: 'team-3' }, limit: LIMIT })
  while (page.next_cursor && cursors.length < 60) {
    cursors.push(page.next_cursor)
    page = await store.search({ tags: { team: 'team-3' }, limit: LIMIT, cursor: page.next_cursor })
  }
  const shapes: [string, () => SessionFilter][] = [
    ['all sessions, first page', () => ({ limit: LIMIT })],
    ['one user, first page', () => ({ user_id: user(), limit: LIMIT })],
    ['tag team=…', () => ({ tags: { team: team() }, limit: LIMIT })],
    ['tags team=… AND env=prod', () => ({ tags: { team: team(), env: 'prod' }, limit: LIMIT })],
    [
      'tag ticket=… (one match)',
      () => ({ tags: { ticket: `OPS-${pick(SESSIONS)}` }, limit: LIMIT }),
    ],
    ['status=active', () => ({ status: 'active', limit: LIMIT })],
    ['tag team=…, one user', () => ({ tags: { team: team() }, user_id: user(), limit: LIMIT })],
    [
      'tags team=… AND ticket=… (one match)',
      () => ({ tags: { team: team(), ticket: `OPS-${pick(SESSIONS)}` }, limit: LIMIT }),
    ],
    ['status=failed, one user', () => ({ status: 'failed', user_id: user(), limit: LIMIT })],
    [
      'page k of tag team=3 (cursor)',
      () => ({
        tags: { team: 'team-3' },
        limit: LIMIT,
        cursor: cursors[pick(cursors.length)] as string,
      }),
    ],
    [
      'page k of all (cursor)',
      () => ({ limit: LIMIT, cursor: cursors[pick(cursors.length)] as string }),
    ],
  ]

  const rows: (string | number)[][] = []
  for (const [name, filter] of shapes) {
    const times: number[] = []
    const until = performance.now() + BUDGET_MS
    while (times.length < RUNS && performance.now() < until) {
      const query = filter()
      const start = performance.now()
      await store.search(query)
      times.push(performance.now() - start)
    }
    const p50 = percentile(times, 50)
    rows.push([
      name,
      times.length,
      `${p50.toFixed(2)} ms`,
      `${percentile(times, 95).toFixed(2)} ms`,
      p50 <= GOAL_MS ? 'ok' : 'MISSED',
    ])
  }
  console.log(`\nstore.search, SQLite, ${SESSIONS} sessions, limit ${LIMIT}, this machine\n`)
  printTable(['query', 'runs', 'p50', 'p95', `p50 ≤ ${GOAL_MS} ms`], rows)
} finally {
  await opened.close()
  await rm(dir, { recursive: true, force: true })
}
