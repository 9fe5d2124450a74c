import { buildOpenApiDocument } from '@agentapi-proxy/shared/routes'
import fc from 'fast-check'
import { hostileValue, type JsonSchema, type Resolve, valueArbitrary } from './schema-arbitrary.ts'

/** One operation of the OpenAPI document, as the fuzzer needs it. */
export interface Operation {
  /** `POST /start`. */
  name: string
  method: string
  path: string
  params: { name: string; in: string; required: boolean; schema: JsonSchema }[]
  body?: { type: string; schema: JsonSchema; required: boolean }
  /** Answers with a stream or holds the request (SSE, long poll): not waited for. */
  holds: boolean
}

/** A request to send; `{pool:n}` in `path` is filled from the ids seen in answers when sent. */
export interface FuzzRequest {
  operation: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer | { multipart: Record<string, string | Buffer> }
  mutated: boolean
}

interface RawOperation {
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[]
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> }
  responses?: Record<string, { content?: Record<string, unknown> }>
}

/** Every operation of the API's OpenAPI document, generated from the shared route definitions. */
export function listOperations(): { operations: Operation[]; resolve: Resolve } {
  const doc = buildOpenApiDocument() as unknown as {
    paths: Record<string, Record<string, RawOperation>>
    components: { schemas: Record<string, JsonSchema> }
  }
  const resolve: Resolve = (schema) =>
    schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const [type, content] = Object.entries(raw.requestBody?.content ?? {})[0] ?? []
      const params = (raw.parameters ?? []).map((p) => ({ ...p, required: p.required ?? false }))
      const streams = Object.values(raw.responses ?? {}).some(
        (r) => r.content?.['text/event-stream'] !== undefined,
      )
      operations.push({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        params,
        body: type && content ? { type, schema: content.schema, required: true } : undefined,
        holds: streams || params.some((p) => p.in === 'query' && p.name === 'timeout'),
      })
    }
  }
  return { operations, resolve }
}

// Path segments that try to leave the route or confuse the router.
const hostileSegment = fc.constantFrom(
  '..',
  '%2e%2e',
  '%2E%2E%2F',
  '%2f',
  '.',
  '%00',
  '%ZZ',
  '',
  '~',
  'a'.repeat(5_000),
)

function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
}

/** Every byte of the UTF-8 of `value` but the unreserved ones as %XX (lone surrogates too). */
function percentEncoded(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value)) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Path parameters: an id seen in an answer, a schema-valid value, or something hostile. */
function pathValue(schema: JsonSchema, resolve: Resolve, mutate: boolean): fc.Arbitrary<string> {
  const valid = valueArbitrary(schema, resolve, false).map((v) => percentEncoded(text(v)))
  const seen = fc.nat(10_000).map((n) => `{pool:${n}}`)
  const upper = fc.nat(10_000).map((n) => `{POOL:${n}}`)
  if (!mutate) return fc.oneof(seen, valid)
  return fc.oneof(
    seen,
    upper,
    valid,
    hostileSegment,
    hostileValue.map((v) => percentEncoded(text(v).slice(0, 10_000))),
  )
}

function queryArbitrary(op: Operation, resolve: Resolve, mutate: boolean): fc.Arbitrary<string> {
  const query = op.params.filter((p) => p.in === 'query')
  const pairs = query.map((p) => {
    const pair = valueArbitrary(p.schema, resolve, mutate).map((v) => [[p.name, text(v)]])
    return p.required && !mutate ? pair : fc.option(pair, { nil: [] as string[][], freq: 2 })
  })
  // Mutated: a parameter twice, and parameters nobody declared.
  const extra = mutate
    ? fc.array(fc.tuple(fc.string({ maxLength: 12 }), hostileValue.map(text)), { maxLength: 2 })
    : fc.constant([])
  const twice = mutate && query.length > 0 ? fc.boolean() : fc.constant(false)
  return fc.tuple(fc.tuple(...pairs), extra, twice).map(([chosen, more, repeat]) => {
    const entries = [...chosen.flat(), ...more].map(([k, v]) => [
      k ?? '',
      (v ?? '').slice(0, 4_000),
    ])
    if (repeat && entries[0]) entries.push(entries[0])
    const search = new URLSearchParams(entries).toString()
    return search ? `?${search}` : ''
  })
}

// Bodies that are not the declared JSON at all.
const rawBody = fc.oneof(
  fc.constantFrom('{', 'null', '[]', '"x"', '{"a":1,"a":2}', '\u0000', '1e999999'),
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => Buffer.concat([Buffer.from([0xff, 0xfe]), bytes])),
  fc.constantFrom(2_000, 100_000).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
)

function bodyArbitrary(
  op: Operation,
  resolve: Resolve,
  mutate: boolean,
): fc.Arbitrary<{ body?: FuzzRequest['body']; type?: string }> {
  if (!op.body)
    return mutate
      ? fc.oneof(
          fc.constant({}),
          rawBody.map((b) => ({ body: b, type: 'application/json' })),
        )
      : fc.constant({})
  const { type, schema } = op.body
  const value = valueArbitrary(schema, resolve, mutate)
  const declared =
    type === 'multipart/form-data'
      ? value.map((v) => ({ body: { multipart: multipartFields(v) }, type }))
      : value.map((v) => ({ body: JSON.stringify(v) ?? 'null', type }))
  if (!mutate) return declared
  const otherType = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
    '',
  )
  return fc.oneof(
    { arbitrary: declared, weight: 4 },
    rawBody.map((b) => ({ body: b, type: 'application/json' })),
    fc.tuple(declared, otherType).map(([d, t]) => ({ ...d, type: t })),
    fc.constant({}),
  )
}

function multipartFields(value: unknown): Record<string, string | Buffer> {
  if (typeof value !== 'object' || value === null) return { file: text(value) }
  const fields: Record<string, string | Buffer> = {}
  for (const [k, v] of Object.entries(value))
    fields[k] = typeof v === 'string' ? Buffer.from(v) : text(v)
  return fields
}

/** Who asks: mostly the two keys, sometimes no one or a credential nobody issued. */
export type Caller = 'member' | 'admin' | 'none' | 'unknown-key' | 'junk-bearer'
const caller = fc.constantFrom<Caller>(
  'member',
  'member',
  'admin',
  'admin',
  'none',
  'unknown-key',
  'junk-bearer',
)

/** Requests for `op`: schema-valid ones, or mutated ones when `mutate`. */
export function requestArbitrary(
  op: Operation,
  resolve: Resolve,
  mutate: boolean,
): fc.Arbitrary<FuzzRequest & { caller: Caller }> {
  const pathParams = op.params.filter((p) => p.in === 'path')
  const headerParams = op.params.filter((p) => p.in === 'header')
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(p.schema, resolve, mutate)))
    .map((values) =>
      pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i] ?? ''), op.path),
    )
  const headers = fc
    .tuple(
      ...headerParams.map((p) =>
        fc.option(
          valueArbitrary(p.schema, resolve, mutate).map((v) => [p.name, asciiHeader(text(v))]),
          { nil: undefined },
        ),
      ),
    )
    .map(
      (pairs) => Object.fromEntries(pairs.filter((p) => p !== undefined)) as Record<string, string>,
    )
  return fc
    .tuple(
      path,
      queryArbitrary(op, resolve, mutate),
      headers,
      bodyArbitrary(op, resolve, mutate),
      caller,
    )
    .map(([p, q, h, b, who]) => ({
      operation: op.name,
      method: op.method,
      path: `${p}${q}`,
      headers: b.type ? { ...h, 'content-type': b.type } : h,
      body: b.body,
      mutated: mutate,
      caller: who,
    }))
}

/** A header value HTTP can carry: visible ASCII, at most 4 KiB. */
function asciiHeader(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 4_096)
}

/** Requests for any operation: about half schema-valid, half mutated. */
export function anyRequestArbitrary(operations: Operation[], resolve: Resolve) {
  return fc.oneof(
    ...operations.flatMap((op) => [
      requestArbitrary(op, resolve, false),
      requestArbitrary(op, resolve, true),
    ]),
  )
}
