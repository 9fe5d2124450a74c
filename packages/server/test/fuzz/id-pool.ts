import { randomUUID } from 'node:crypto'
import { eventually } from '../../src/testing/eventually.ts'
import type { FilledRequest } from './campaign.ts'
import type { FuzzServer } from './fuzz-server.ts'
import type { Caller, FuzzRequest } from './operations.ts'

const KEEP = 200

/**
 * Ids the server handed out (sessions, keys, shares, tokens), so that generated paths reach
 * real objects and not only 404s. The two sessions started first are kept alive: a generated
 * DELETE of one gets a random id instead, so the proxy routes have an agent to the end.
 */
export class IdPool {
  readonly #ids: string[] = []
  readonly #kept = new Set<string>()
  readonly #started = new Set<string>()

  async seedSessions(server: FuzzServer): Promise<void> {
    for (const key of [server.keys.member, server.keys.admin]) {
      const res = await fetch(`${server.url}/start`, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
        body: '{}',
      })
      const { session_id: id } = (await res.json()) as { session_id: string }
      if (res.status !== 201) throw new Error(`POST /start answered ${res.status}`)
      this.#kept.add(id)
      this.#started.add(id)
      this.#ids.push(id)
      await untilActive(server.url, key, id)
    }
  }

  /** Fills `{pool:n}` (an id as issued) and `{POOL:n}` (upper-cased), and sets the credential. */
  fill(request: FuzzRequest & { caller: Caller }, keys: FuzzServer['keys']): FilledRequest {
    let path = request.path.replace(/\{(pool|POOL):(\d+)\}/g, (_, kind: string, n: string) => {
      const id = this.#ids[Number(n) % this.#ids.length] ?? randomUUID()
      return kind === 'POOL' ? id.toUpperCase() : encodeURIComponent(id)
    })
    const last = path.split('?')[0]?.split('/').pop() ?? ''
    if (request.method === 'DELETE' && this.#kept.has(last)) path = path.replace(last, randomUUID())
    const headers = { ...request.headers, ...credential(request.caller, keys) }
    return { ...request, path, headers }
  }

  /** Keeps the ids of a successful answer; remembers the sessions it started. */
  harvest(request: FilledRequest, text: string): void {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return
    }
    const found: string[] = []
    collectIds(json, found, 0)
    for (const id of found) if (!this.#ids.includes(id)) this.#ids.push(id)
    if (this.#ids.length > KEEP) this.#ids.splice(this.#kept.size, this.#ids.length - KEEP)
    const started = (json as { session_id?: unknown }).session_id
    if (request.method === 'POST' && typeof started === 'string') this.#started.add(started)
  }

  /** Deletes every session still live (the fuzz's own starts, MCP's, and the kept two). */
  async deleteStarted(server: FuzzServer): Promise<void> {
    const headers = { 'X-API-Key': server.keys.admin }
    const res = await fetch(`${server.url}/search?limit=500`, { headers })
    const { sessions } = (await res.json()) as { sessions: { session_id: string }[] }
    const ids = new Set([...this.#started, ...sessions.map((s) => s.session_id)])
    for (const id of ids) {
      await fetch(`${server.url}/sessions/${id}`, { method: 'DELETE', headers }).then((r) =>
        r.arrayBuffer(),
      )
    }
  }
}

function credential(caller: Caller, keys: FuzzServer['keys']): Record<string, string> {
  switch (caller) {
    case 'member':
      return { 'x-api-key': keys.member }
    case 'admin':
      return { 'x-api-key': keys.admin }
    case 'unknown-key':
      return { 'x-api-key': `nobody-${randomUUID()}` }
    case 'junk-bearer':
      return { authorization: 'Bearer \u0000junk'.replace('\u0000', '') }
    default:
      return {}
  }
}

function collectIds(value: unknown, found: string[], depth: number): void {
  if (depth > 3 || value === null || typeof value !== 'object') return
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && /(^|_)id$|token$|^key$/.test(key) && child.length < 200)
      found.push(child)
    else collectIds(child, found, depth + 1)
  }
}

async function untilActive(url: string, key: string, id: string): Promise<void> {
  await eventually(async () => {
    const res = await fetch(`${url}/sessions/${id}`, { headers: { 'X-API-Key': key } })
    const { status } = (await res.json()) as { status: string }
    if (status === 'failed') throw new Error(`session ${id} failed to start`)
    return status === 'active' ? true : undefined
  }, 30_000)
}
