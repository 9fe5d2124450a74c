import type { IncomingMessage, ServerResponse } from 'node:http'
import { goJson } from './go-json.ts'

/**
 * huma's response envelope, as agentapi answers: every JSON object body gets a leading `$schema`
 * key and a `Link: </schemas/X.json>; rel="describedBy"` header, and is written by a
 * `json.Encoder` with HTML escaping off, so it ends with a newline.
 */

/** The component names agentapi's bodies are described by. */
export type SchemaName =
  | 'StatusResponseBody'
  | 'MessagesResponseBody'
  | 'MessageResponseBody'
  | 'UploadResponseBody'
  | 'ErrorModel'

/**
 * The `$schema` URL huma builds from the request's Host header: `http://` only when the Host
 * starts with `localhost` or `127.0.0.1`, `https://` otherwise (even for `[::1]`).
 */
export function schemaUrl(req: IncomingMessage, name: SchemaName): string {
  const host = req.headers.host ?? ''
  const local = host.startsWith('localhost') || host.startsWith('127.0.0.1')
  return `${local ? 'http' : 'https'}://${host}/schemas/${name}.json`
}

/** Writes `body` with `$schema` as its first key. */
export function writeEnveloped(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  name: SchemaName,
  body: string,
): void {
  const schema = goJson(schemaUrl(req, name))
  const json = body === '{}' ? `{"$schema":${schema}}` : `{"$schema":${schema},${body.slice(1)}`
  const bytes = Buffer.from(`${json}\n`)
  res.writeHead(status, {
    'Content-Type': name === 'ErrorModel' ? 'application/problem+json' : 'application/json',
    Link: `</schemas/${name}.json>; rel="describedBy"`,
    'Content-Length': bytes.length,
  })
  res.end(bytes)
}

/** Writes a success body: a struct-like object whose key order is agentapi's field order. */
export function writeJson(
  req: IncomingMessage,
  res: ServerResponse,
  name: SchemaName,
  body: object,
): void {
  writeEnveloped(req, res, 200, name, goJson(body))
}
