import type { SearchQuery, SessionStatus, Tags } from '@agentapi-proxy/shared'

/**
 * `GET /search` filters, ANDed. `tags` become `tag.<key>=<value>` parameters; the server
 * defaults `limit` to 50.
 *
 * @example
 * const page = await client.search({ status: ['active', 'starting'], tags: { team: 'infra' } })
 */
export interface SearchOptions {
  user_id?: SearchQuery['user_id']
  /** One status, or several: sessions in any of them. */
  status?: SessionStatus | readonly SessionStatus[]
  limit?: number
  /** `next_cursor` of the previous page. */
  cursor?: string
  tags?: Tags
}

/**
 * The query string of a search: fields in a stable order, unset ones left out.
 *
 * @example
 * searchParams({ tags: { team: 'infra' }, limit: 5 }).toString() // 'limit=5&tag.team=infra'
 */
export function searchParams(options: SearchOptions = {}): URLSearchParams {
  const params = new URLSearchParams()
  const { tags, ...fields } = options
  for (const key of ['user_id', 'status', 'limit', 'cursor'] as const) {
    const value = fields[key]
    if (value === undefined) continue
    params.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  for (const [key, value] of Object.entries(tags ?? {})) params.set(`tag.${key}`, value)
  return params
}
