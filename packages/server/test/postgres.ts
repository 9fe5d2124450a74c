import pg from 'pg'
import { describe, it } from 'vitest'

/** The PostgreSQL the tests use: the machine's own, unless AGENTAPI_PROXY_TEST_POSTGRES_URL says. */
export const POSTGRES_URL =
  process.env.AGENTAPI_PROXY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Defines `suite` when PostgreSQL answers. When it does not, CI gets a failing test (a missing
 * database must never pass as green) and a developer's machine a skip that says why.
 */
export async function describeWithPostgres(name: string, suite: () => void): Promise<void> {
  const unreachable = await probe(POSTGRES_URL)
  if (!unreachable) return suite()
  const where = redact(POSTGRES_URL)
  if (process.env.CI) {
    describe(name, () => {
      it('reaches PostgreSQL (required in CI)', () => {
        throw new Error(`PostgreSQL at ${where} is unreachable: ${unreachable}`)
      })
    })
    return
  }
  console.warn(
    `Skipping ${name}: ${where} is unreachable (${unreachable}). ` +
      'Start PostgreSQL or set AGENTAPI_PROXY_TEST_POSTGRES_URL; in CI this fails instead.',
  )
  describe.skip(`${name} (PostgreSQL unreachable)`, () => {
    it('runs', () => {})
  })
}

async function probe(connectionString: string): Promise<string | null> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

function redact(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
