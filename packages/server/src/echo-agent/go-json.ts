/**
 * JSON encoded the way Go's `encoding/json` encodes it, so bodies and SSE frames match agentapi
 * byte for byte. Objects keep their insertion order (Go structs keep field order); values that
 * agentapi decoded into `map[string]any` before echoing them back must use {@link goMapJson},
 * because Go sorts map keys.
 */

/** Options for {@link goJson}. */
export interface GoJsonOptions {
  /**
   * Escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`. huma's SSE writer uses a default
   * `json.Encoder` (escaping on); its response bodies turn escaping off.
   */
  escapeHtml?: boolean
}

/** Encodes a struct-like value (key order kept). */
export function goJson(value: unknown, options: GoJsonOptions = {}): string {
  return finish(encode(value, false), options)
}

/** Encodes a decoded JSON value the way Go re-encodes a `map[string]any`: keys sorted. */
export function goMapJson(value: unknown, options: GoJsonOptions = {}): string {
  return finish(encode(value, true), options)
}

function encode(value: unknown, sortKeys: boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((item) => encode(item, sortKeys)).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).filter((key) => record[key] !== undefined)
  if (sortKeys) keys.sort(compareBytes)
  return `{${keys.map((key) => `${JSON.stringify(key)}:${encode(record[key], sortKeys)}`).join(',')}}`
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function finish(json: string, { escapeHtml = false }: GoJsonOptions): string {
  // Go escapes U+2028 and U+2029 unconditionally (they break JSONP); JSON.stringify does not.
  const escaped = json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
  if (!escapeHtml) return escaped
  return escaped.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
}
