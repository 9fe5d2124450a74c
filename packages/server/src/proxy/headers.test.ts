import type { IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  connectionOptions,
  downstreamResponseHeaders,
  requestIdOf,
  upstreamRequestHeaders,
} from './headers.ts'

const CONTEXT = {
  host: '127.0.0.1:9003',
  requestId: 'req-1',
  remoteAddress: '10.0.0.7',
  protocol: 'http' as const,
}
const CREDENTIALS = new Set(['authorization', 'cookie', 'x-api-key'])

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string])
  return out
}

function upstream(headers: IncomingHttpHeaders) {
  return pairs(upstreamRequestHeaders(headers, CREDENTIALS, CONTEXT))
}

describe('upstreamRequestHeaders', () => {
  it("replaces an agent secret the caller sends with the session's own", () => {
    const sent = pairs(
      upstreamRequestHeaders({ 'x-agentapi-proxy-secret': 'guessed' }, CREDENTIALS, {
        ...CONTEXT,
        agentSecret: 'the-real-one',
      }),
    )
    expect(sent.filter(([name]) => name === 'x-agentapi-proxy-secret')).toEqual([
      ['x-agentapi-proxy-secret', 'the-real-one'],
    ])
    expect(upstream({ 'x-agentapi-proxy-secret': 'guessed' }).map(([name]) => name)).not.toContain(
      'x-agentapi-proxy-secret',
    )
  })

  it("drops the caller's credentials, hop-by-hop headers and those named in Connection", () => {
    const sent = upstream({
      host: 'proxy.example',
      authorization: 'Bearer secret',
      'x-api-key': 'secret',
      cookie: 'session=secret',
      connection: 'keep-alive, X-Hop',
      'keep-alive': 'timeout=5',
      'x-hop': 'only for the next hop',
      te: 'trailers',
      trailer: 'x-checksum',
      'transfer-encoding': 'chunked',
      upgrade: 'websocket',
      'proxy-authorization': 'Basic secret',
      'proxy-connection': 'keep-alive',
      expect: '100-continue',
      origin: 'https://app.example',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    })
    expect(sent.map(([name]) => name).sort()).toEqual([
      'accept',
      'content-type',
      'host',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-request-id',
    ])
    expect(JSON.stringify(sent)).not.toContain('secret')
  })

  it('rewrites Host for agentapi and sets X-Forwarded-* and X-Request-Id', () => {
    const sent = new Map(upstream({ host: 'proxy.example:8080', 'x-request-id': 'spoofed' }))
    expect(sent.get('host')).toBe('127.0.0.1:9003')
    expect(sent.get('x-forwarded-host')).toBe('proxy.example:8080')
    expect(sent.get('x-forwarded-proto')).toBe('http')
    expect(sent.get('x-forwarded-for')).toBe('10.0.0.7')
    expect(sent.get('x-request-id')).toBe('req-1')
  })

  it('appends the peer to an existing X-Forwarded-For chain', () => {
    const sent = new Map(upstream({ 'x-forwarded-for': '203.0.113.9' }))
    expect(sent.get('x-forwarded-for')).toBe('203.0.113.9, 10.0.0.7')
  })

  it('keeps repeated headers as separate lines', () => {
    const sent = upstream({ 'set-cookie': ['a=1', 'b=2'] })
    expect(sent.filter(([name]) => name === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ])
  })
})

describe('downstreamResponseHeaders', () => {
  it('drops hop-by-hop headers, foreign CORS headers and cookies, and keeps the rest', () => {
    const kept = downstreamResponseHeaders(
      {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'set-cookie': ['agent=1'],
        link: '</schemas/StatusResponseBody.json>; rel="describedBy"',
      },
      ['x-request-id', 'r'],
    )
    expect(pairs(kept)).toEqual([
      ['x-request-id', 'r'],
      ['content-type', 'text/event-stream'],
      ['cache-control', 'no-cache'],
      ['x-accel-buffering', 'no'],
      ['link', '</schemas/StatusResponseBody.json>; rel="describedBy"'],
    ])
  })
})

describe('connectionOptions', () => {
  it.each([
    [undefined, undefined],
    ['keep-alive', undefined],
    ['close', undefined],
    ['keep-alive, X-Hop', ['keep-alive', 'x-hop']],
    [
      ['close', 'X-A,x-b'],
      ['close', 'x-a', 'x-b'],
    ],
  ])('reads %j as %j', (value, expected) => {
    const names = connectionOptions(value)
    expect(names && [...names]).toEqual(expected)
  })
})

describe('requestIdOf', () => {
  it("keeps a plausible caller's id and replaces anything else", () => {
    expect(requestIdOf('abc-123_X=')).toBe('abc-123_X=')
    for (const bad of [undefined, '', 'a b', 'x'.repeat(256), ['a', 'b']]) {
      expect(requestIdOf(bad)).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})
