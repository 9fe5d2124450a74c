import { goJsonSyntaxError } from './json-syntax.ts'
import { type ErrorDetail, Problem } from './problems.ts'

/**
 * The `POST /message` body, decoded and validated the way huma does it for agentapi's
 * `MessageRequestBody`, with huma's exact messages, locations and statuses.
 */

/** `user` is recorded and answered; `raw` is keystrokes, never recorded. */
export type MessageType = 'user' | 'raw'

/** A valid `POST /message` body. */
export interface MessageRequest {
  content: string
  type: MessageType
}

// huma validates properties in sorted order; `$schema` is accepted in request bodies.
const PROPERTIES = ['$schema', 'content', 'type'] as const
const REQUIRED = new Set(['content', 'type'])
const TYPES: readonly MessageType[] = ['user', 'raw']

/** Decodes `body` (already known to be non-empty) or throws huma's Problem. */
export function parseMessageRequest(body: Buffer, contentType: string | undefined): MessageRequest {
  checkMediaType(body, contentType)
  const syntaxError = goJsonSyntaxError(body)
  if (syntaxError !== undefined) {
    throw Problem.validation(400, [
      { message: syntaxError, location: 'body', value: body.toString() },
    ])
  }
  const value: unknown = JSON.parse(body.toString())
  const errors = validate(value)
  if (errors.length > 0) throw Problem.validation(422, errors)
  const record = value as Record<string, unknown>
  return { content: field(record, 'content') as string, type: field(record, 'type') as MessageType }
}

/**
 * huma picks the decoder from the Content-Type: the part after a `+` and before a `;`, with an
 * absent type meaning JSON. Anything but JSON is refused with 415 and the full header quoted.
 */
function checkMediaType(body: Buffer, contentType: string | undefined): void {
  const header = contentType ?? ''
  const semicolon = header.indexOf(';')
  const type = header.slice(header.indexOf('+') + 1, semicolon === -1 ? undefined : semicolon)
  if (type === '' || type === 'application/json' || type === 'json') return
  throw Problem.validation(415, [
    { message: `unknown content type: ${header}`, location: 'body', value: body.toString() },
  ])
}

function validate(value: unknown): ErrorDetail[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ message: 'expected object', location: 'body', value }]
  }
  const record = value as Record<string, unknown>
  const errors: ErrorDetail[] = []
  for (const name of PROPERTIES) {
    const key = keyFor(record, name)
    if (key === undefined) {
      if (REQUIRED.has(name)) {
        errors.push({
          message: `expected required property ${name} to be present`,
          location: 'body',
          value,
        })
      }
      continue
    }
    const error = validateProperty(name, record[key])
    if (error !== undefined) errors.push(error)
  }
  for (const key of Object.keys(record)) {
    if (!PROPERTIES.some((name) => name === key.toLowerCase())) {
      errors.push({ message: 'unexpected property', location: `body.${key}`, value })
    }
  }
  return errors
}

function validateProperty(name: string, value: unknown): ErrorDetail | undefined {
  const location = `body.${name}`
  // A null optional property is skipped; a null required one fails its type check.
  if (value === null && !REQUIRED.has(name)) return undefined
  if (typeof value !== 'string') return { message: 'expected string', location, value }
  if (name === 'type' && !TYPES.includes(value as MessageType)) {
    return { message: `expected value to be one of "${TYPES.join(', ')}"`, location, value }
  }
  return undefined
}

/** huma matches property names case-insensitively (ValidateStrictCasing is off). */
function keyFor(record: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(record, name)) return name
  const lower = name.toLowerCase()
  return Object.keys(record).find((key) => key.toLowerCase() === lower)
}

/** Go's struct decoding assigns every key that folds to the field name, so the last one wins. */
function field(record: Record<string, unknown>, name: string): unknown {
  const matches = Object.keys(record).filter((key) => key.toLowerCase() === name)
  const last = matches.at(-1)
  return last === undefined ? undefined : record[last]
}
