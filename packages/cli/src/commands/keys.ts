import type { ApiKey, Client, CreateApiKeyRequest } from '@agentapi-proxy/client'
import { explainFailure } from '../api-failure.ts'
import { CliError } from '../cli-error.ts'
import { type ConnectionOptions, connect } from '../connection.ts'
import { ExitCode } from '../exit-codes.ts'
import { note, printJson, printLine } from '../output.ts'
import { renderTable } from '../table.ts'
import { age, localTime } from '../timestamps.ts'

/**
 * Flags of `agentapi-proxy keys create`.
 *
 * @example
 * const options: CreateKeyOptions = { name: 'ci', permissions: ['session:list'] }
 */
export interface CreateKeyOptions extends ConnectionOptions {
  name: string
  /** Owner; another user than yourself needs admin. */
  user?: string | undefined
  role?: string | undefined
  /** Repeatable, and each may be comma-separated. */
  permissions?: string[]
  /** When it stops working: any date `Date` parses, sent as ISO 8601 UTC. */
  expiresAt?: string | undefined
}

/**
 * Creates an API key and prints its secret on stdout (the whole key with `--json`), with a
 * warning on stderr: the server never shows it again.
 *
 * @example
 * await createKeyCommand({ name: 'ci', expiresAt: '2027-01-01' })
 */
export async function createKeyCommand(options: CreateKeyOptions): Promise<void> {
  const { client, url } = connect(options)
  const permissions = (options.permissions ?? []).flatMap((p) => p.split(',')).filter(Boolean)
  const body = {
    name: options.name,
    ...(options.user ? { user_id: options.user } : {}),
    ...(options.role ? { role: options.role } : {}),
    ...(permissions.length ? { permissions } : {}),
    ...(options.expiresAt ? { expires_at: isoDate(options.expiresAt) } : {}),
  } as CreateApiKeyRequest
  const created = await client.createApiKey(body).catch((error: unknown) => {
    throw explainFailure(error, { url })
  })
  if (options.json) printJson(created)
  else printLine(created.key)
  note(
    `Created API key ${created.id} "${created.name}" for ${created.user_id} (role ${created.role}).\n` +
      'Store the key now: it is never shown again.',
  )
}

// The server's largest page: an admin's list of everyone's keys takes few requests.
const PAGE = 500

/**
 * Lists API keys (yours, or everyone's for an admin) as a table, following `next_cursor` to
 * the last page; never their secrets.
 *
 * @example
 * await listKeysCommand({ json: true })
 */
export async function listKeysCommand(options: ConnectionOptions): Promise<void> {
  const { client, url } = connect(options)
  const keys: ApiKey[] = []
  let cursor: string | undefined
  do {
    const page = await client
      .listApiKeys({ limit: PAGE, ...(cursor ? { cursor } : {}) })
      .catch((error: unknown) => {
        throw explainFailure(error, { url })
      })
    keys.push(...page.api_keys)
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  if (options.json) return printJson({ api_keys: keys, next_cursor: null })
  if (keys.length === 0) return note('No API keys.')
  printLine(keyTable(keys))
}

/**
 * Revokes an API key: it stops working at once.
 *
 * @example
 * await revokeKeyCommand('key_01hx…', {})
 */
export async function revokeKeyCommand(ref: string, options: ConnectionOptions): Promise<void> {
  const { client, url } = connect(options)
  // An id (`key_…`), or the PREFIX column of `keys list`, which is what a person has at hand.
  const id = ref.startsWith('key_') ? ref : await idOfPrefix(client, url, ref)
  const revoked = await client.revokeApiKey(id).catch((error: unknown) => {
    throw explainFailure(error, { url, subject: { kind: 'API key', id } })
  })
  if (options.json) return printJson(revoked)
  printLine(`API key ${revoked.id} ${revoked.status}`)
}

async function idOfPrefix(client: Client, url: string, prefix: string): Promise<string> {
  const matching: ApiKey[] = []
  let cursor: string | undefined
  do {
    const page = await client
      .listApiKeys({ limit: 100, ...(cursor ? { cursor } : {}) })
      .catch((error: unknown) => {
        throw explainFailure(error, { url })
      })
    matching.push(...page.api_keys.filter((key) => key.prefix === prefix))
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  const [only, ...others] = matching
  if (!only) {
    throw new CliError(
      `no API key has the id or prefix ${prefix}`,
      'see agentapi-proxy keys list',
      ExitCode.notFound,
    )
  }
  if (others.length > 0) {
    throw new CliError(
      `${matching.length} API keys have the prefix ${prefix}: ${matching.map((k) => k.id).join(', ')}`,
      'revoke one by its id',
      ExitCode.usage,
    )
  }
  return only.id
}

function keyTable(keys: readonly ApiKey[]): string {
  const now = Date.now()
  const when = (timestamp: string | null) => (timestamp ? localTime(timestamp) : '-')
  return renderTable(
    ['ID', 'NAME', 'PREFIX', 'USER', 'ROLE', 'PERMISSIONS', 'AGE', 'EXPIRES', 'LAST USED'],
    keys.map((key) => [
      key.id,
      key.name,
      key.prefix,
      key.user_id,
      key.role,
      key.permissions.join(',') || '-',
      age(key.created_at, now),
      when(key.expires_at),
      key.last_used_at ? `${age(key.last_used_at, now)} ago` : 'never',
    ]),
  )
}

function isoDate(text: string): string {
  const time = Date.parse(text)
  if (Number.isNaN(time)) {
    throw new CliError(
      `--expires-at must be a date, not "${text}"`,
      'e.g. --expires-at 2027-01-01 or 2027-01-01T00:00:00Z',
      ExitCode.usage,
    )
  }
  return new Date(time).toISOString()
}
