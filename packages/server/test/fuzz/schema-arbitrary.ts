import fc from 'fast-check'

/** The JSON Schema subset the OpenAPI document generated from the shared zod schemas uses. */
export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  example?: unknown
  default?: unknown
}

/** Resolves `#/components/schemas/X` against the document the schema came from. */
export type Resolve = (schema: JsonSchema) => JsonSchema

/** Nested `levels` deep in arrays or objects: parsers and validators that recurse meet it. */
function nested(levels: number, asObject: boolean): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = asObject ? { a: value } : [value]
  return value
}

/**
 * Values that break what a schema expects: wrong types, nulls, huge and odd strings (lone
 * surrogates, NUL, right-to-left marks), deep nesting, numbers no field takes.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 2 ** 53 + 2, 1e308, -1e308, '', [], {}),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    '\u202e\u0041',
    '../../etc/passwd',
    '%00',
    '$' + '{HOME}',
    '$(id)',
    '\ud800',
  ),
  fc.constantFrom(1_000, 70_000, 300_000).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 20, max: 2_000 }).chain((n) => fc.boolean().map((o) => nested(n, o))),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
)

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = Math.min(schema.maxLength ?? 64, 256)
  const fits = (s: string) => s.length >= min && s.length <= (schema.maxLength ?? Infinity)
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString())
  if (schema.format === 'uuid') return fc.uuid()
  if (schema.format === 'uri' || schema.format === 'url')
    return fc.webUrl({ validSchemes: ['https', 'http'] })
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern)
    try {
      return fc.stringMatching(pattern).filter(fits)
    } catch {
      // A pattern fast-check cannot generate from: any string that happens to match.
      return fc.string({ maxLength: max }).filter((s) => pattern.test(s) && fits(s))
    }
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max) })
}

function numberArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum ?? -1e6) + 1
  const max = schema.maximum ?? (schema.exclusiveMaximum ?? 1e6) - 1
  if (schema.type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
}

function objectArbitrary(
  schema: JsonSchema,
  resolve: Resolve,
  mutate: boolean,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {}
  const required = new Set(schema.required ?? [])
  const fields: Record<string, fc.Arbitrary<unknown>> = {}
  for (const [name, child] of Object.entries(properties))
    fields[name] = valueArbitrary(child, resolve, mutate)
  // A record (additionalProperties a schema) gets a few keys of its own.
  const extra =
    typeof schema.additionalProperties === 'object'
      ? fc.dictionary(
          fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/),
          valueArbitrary(schema.additionalProperties, resolve, mutate),
          { maxKeys: 3 },
        )
      : fc.constant({})
  // Valid: every required field, any optional one. Mutated: required ones may go missing, and
  // fields no schema declares may come along.
  const base = fc.record(fields, {
    requiredKeys: mutate ? [] : Object.keys(fields).filter((k) => required.has(k)),
  })
  const unknown = mutate
    ? fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), hostileValue, { maxKeys: 2 })
    : fc.constant({})
  return fc
    .tuple(base, extra, unknown)
    .map(([known, more, stray]) => ({ ...more, ...stray, ...known }))
}

/**
 * Values for `schema`: valid ones when `mutate` is false; when true, a valid shape in which
 * any field may be replaced by a hostile value, dropped, or joined by undeclared fields.
 */
export function valueArbitrary(
  raw: JsonSchema,
  resolve: Resolve,
  mutate: boolean,
): fc.Arbitrary<unknown> {
  const valid = validArbitrary(resolve(raw), resolve, mutate)
  return mutate
    ? fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: hostileValue, weight: 1 })
    : valid
}

function validArbitrary(
  schema: JsonSchema,
  resolve: Resolve,
  mutate: boolean,
): fc.Arbitrary<unknown> {
  const examples = schema.example === undefined ? [] : [fc.constant(schema.example)]
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const choices = schema.anyOf ?? schema.oneOf
  if (choices) return fc.oneof(...choices.map((c) => valueArbitrary(c, resolve, mutate)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  const typed = ((): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string':
        return stringArbitrary(schema)
      case 'integer':
      case 'number':
        return numberArbitrary(schema)
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array':
        return fc.array(valueArbitrary(schema.items ?? {}, resolve, mutate), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 4, 4),
        })
      case 'object':
        return objectArbitrary(schema, resolve, mutate)
      default:
        return fc.jsonValue({ maxDepth: 2 })
    }
  })()
  return examples.length > 0 ? fc.oneof({ arbitrary: typed, weight: 3 }, ...examples) : typed
}
