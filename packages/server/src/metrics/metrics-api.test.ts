import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { captureLogs } from '../../test/log-capture.ts'
import { type Family, parsePrometheusText, value } from '../../test/prometheus-text.ts'
import { type ConfigInput, ConfigSchema } from '../config/index.ts'
import { type RunningServer, startServer } from '../server.ts'
import { eventually } from '../testing/eventually.ts'
import { TempDirs } from '../testing/temp-dir.ts'

const TOKEN = 'metrics-token-0123456789'
const ALICE = 'alice-static-key-0000000001'
const dirs = new TempDirs()

async function start(extra: ConfigInput = {}): Promise<RunningServer> {
  const dir = dirs.make('aap-metrics-')
  const config = ConfigSchema.parse({
    port: 0,
    start_port: 20_000 + Math.floor(Math.random() * 30_000),
    persistence: { path: join(dir, 'proxy.sqlite') },
    session: {
      workdir_root: join(dir, 'sessions'),
      inherit_env: ['PATH', 'HOME', 'ECHO_AGENT_DELAY_MS', 'TMPDIR'],
      max_sessions_per_user: 1,
    },
    ...extra,
  })
  const env = { ...process.env, ECHO_AGENT_DELAY_MS: '20' }
  return startServer({ config, logger: captureLogs().logger, env })
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, { headers })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

describe('GET /metrics with a token, as traffic flows', () => {
  let server: RunningServer
  const auth = { authorization: `Bearer ${TOKEN}` }
  const alice = { 'x-api-key': ALICE }
  const metrics = async () => parsePrometheusText((await scrape(server.url, auth)).text)

  beforeAll(async () => {
    server = await start({
      metrics: { token: TOKEN },
      auth: {
        enabled: true,
        static: {
          enabled: true,
          api_keys: [{ key: ALICE, user_id: 'alice', permissions: ['*'] }],
        },
      },
    })
  }, 30_000)
  afterAll(async () => {
    await server?.close()
    await dirs.removeAll()
  })

  it('refuses a scrape without the token, or with another one', async () => {
    expect((await scrape(server.url)).status).toBe(401)
    expect(
      (await scrape(server.url, { authorization: 'Bearer not-the-token-000000' })).status,
    ).toBe(401)
    // A user's API key is not the metrics token.
    expect((await scrape(server.url, alice)).status).toBe(401)
  })

  it('answers the Prometheus text format, every family typed and described', async () => {
    const res = await scrape(server.url, auth)
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/)
    const families = parsePrometheusText(res.text)
    for (const name of [
      'agentapi_proxy_sessions',
      'agentapi_proxy_session_starts_total',
      'agentapi_proxy_session_failures_total',
      'agentapi_proxy_session_spawn_to_ready_seconds',
      'agentapi_proxy_proxied_requests_total',
      'agentapi_proxy_proxied_request_duration_seconds',
      'agentapi_proxy_sse_streams',
      'agentapi_proxy_auth_failures_total',
      'agentapi_proxy_store_query_duration_seconds',
      'agentapi_proxy_audit_pending_entries',
    ]) {
      expect(families.get(name)?.help, name).toBeTruthy()
    }
  })

  it('moves its counters with sessions, proxied requests and refused credentials', async () => {
    const before = await metrics()
    const started = await fetch(`${server.url}/start`, { method: 'POST', headers: alice })
    expect(started.status).toBe(201)
    const { session_id: id } = (await started.json()) as { session_id: string }
    await eventually(async () => {
      const res = await fetch(`${server.url}/sessions/${id}`, { headers: alice })
      const body = (await res.json()) as { status: string; agent_status: string | null }
      return body.status === 'active' && body.agent_status === 'stable' ? true : undefined
    })
    // The per-user limit is 1: a second start is refused, and counted as such.
    expect((await fetch(`${server.url}/start`, { method: 'POST', headers: alice })).status).toBe(
      429,
    )
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${server.url}/${id}/status`, { headers: alice })).status).toBe(200)
    }
    expect((await fetch(`${server.url}/${id}/no-such-route`, { headers: alice })).status).toBe(404)
    expect((await fetch(`${server.url}/${id}/status`)).status).toBe(401)
    const wrongKey = { 'x-api-key': 'not-a-key-of-this-server-000' }
    expect((await fetch(`${server.url}/${id}/status`, { headers: wrongKey })).status).toBe(401)
    expect((await fetch(`${server.url}/search`, { headers: wrongKey })).status).toBe(401)
    const expiredOauth = { authorization: 'Bearer aapo_not-a-token-we-issued' }
    expect((await fetch(`${server.url}/search`, { headers: expiredOauth })).status).toBe(401)

    const after = await metrics()
    const delta = (name: string, labels: Record<string, string> = {}) =>
      value(after, name, labels) - value(before, name, labels)
    expect(delta('agentapi_proxy_session_starts_total', { kind: 'new' })).toBe(1)
    expect(delta('agentapi_proxy_session_failures_total', { reason: 'limit_user' })).toBe(1)
    expect(delta('agentapi_proxy_session_spawn_to_ready_seconds_count')).toBe(1)
    expect(
      value(after, 'agentapi_proxy_sessions', { status: 'active', agent_status: 'stable' }),
    ).toBe(1)
    expect(delta('agentapi_proxy_proxied_requests_total', { status_class: '2xx' })).toBe(3)
    expect(delta('agentapi_proxy_proxied_requests_total', { status_class: '4xx' })).toBe(3)
    expect(
      delta('agentapi_proxy_proxied_request_duration_seconds_count', { status_class: '2xx' }),
    ).toBe(3)
    expect(delta('agentapi_proxy_auth_failures_total', { method: 'none' })).toBe(1)
    expect(delta('agentapi_proxy_auth_failures_total', { method: 'api_key' })).toBe(2)
    expect(delta('agentapi_proxy_auth_failures_total', { method: 'oauth' })).toBe(1)
    const admits = { store: 'sessions', operation: 'admit', outcome: 'ok' }
    expect(delta('agentapi_proxy_store_query_duration_seconds_count', admits)).toBe(2)
    expect(delta('agentapi_proxy_store_query_duration_seconds_count', { store: 'audit' })).toBe(1)
    expectBoundedLabels(after, id)
  }, 30_000)

  it('counts an open proxied SSE stream while it is open, and not after', async () => {
    const open = async () => value(await metrics(), 'agentapi_proxy_sse_streams', { kind: 'proxy' })
    const res = await fetch(`${server.url}/search`, { headers: alice })
    const { sessions } = (await res.json()) as {
      sessions: { session_id: string; status: string }[]
    }
    const live = sessions.find((s) => s.status === 'active')
    expect(live).toBeDefined()
    const abort = new AbortController()
    const events = await fetch(`${server.url}/${live?.session_id}/events`, {
      headers: alice,
      signal: abort.signal,
    })
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(await open()).toBe(1)
    abort.abort()
    await eventually(async () => ((await open()) === 0 ? true : undefined))
  }, 30_000)
})

// No session id, user id or key may become a label: every label value is from a closed set.
function expectBoundedLabels(families: Map<string, Family>, sessionId: string): void {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      for (const label of Object.values(sample.labels)) {
        expect(label).not.toContain(sessionId)
        expect(label).not.toMatch(/alice|aapo_|static-key/)
      }
    }
  }
}

describe('GET /metrics without a token', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
    await dirs.removeAll()
  })

  it('answers loopback callers; a forwarded address is ignored unless the proxy is trusted', async () => {
    server = await start({ persistence: { enabled: false } })
    expect((await scrape(server.url)).status).toBe(200)
    const forwarded = { 'x-forwarded-for': '203.0.113.9' }
    expect((await scrape(server.url, forwarded)).status).toBe(200)
  })

  it('refuses a caller that is not loopback behind a trusted proxy (403)', async () => {
    server = await start({ persistence: { enabled: false }, server: { trust_proxy: true } })
    const res = await scrape(server.url, { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text).code).toBe('forbidden')
    expect((await scrape(server.url, { 'x-forwarded-for': '127.0.0.1' })).status).toBe(200)
  })

  // A real connection from an address that is not loopback: this machine's own LAN address.
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic?.family === 'IPv4' && !nic.internal)?.address
  it.skipIf(!lan)('refuses a caller connecting from a non-loopback address (403)', async () => {
    server = await start({ persistence: { enabled: false }, host: '0.0.0.0' })
    const res = await fetch(`http://${lan}:${server.port}/metrics`)
    expect(res.status).toBe(403)
    expect((await scrape(server.url)).status).toBe(200)
  })

  it('is 404 when metrics are off', async () => {
    server = await start({ persistence: { enabled: false }, metrics: { enabled: false } })
    expect((await scrape(server.url)).status).toBe(404)
  })
})

describe('the test parser', () => {
  it('rejects what is not the text format', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na{b=c} 1\n')).toThrow(/not a sample/)
    expect(() => parsePrometheusText('a 1\n')).toThrow(/before its TYPE/)
    const broken = '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'
    expect(() => parsePrometheusText(broken)).toThrow(/cumulative/)
  })
})
