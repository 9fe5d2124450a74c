/**
 * Go's JSON syntax errors. agentapi (through huma) answers a malformed `POST /message` body with
 * `errors[0].message` set to Go's `encoding/json` scanner error, e.g. `invalid character 'x'
 * looking for beginning of value`. JavaScript's parser words its errors differently, so this
 * scanner walks the bytes the way Go's does and reports the first error in Go's words.
 */

const END_OF_INPUT = 'unexpected end of JSON input'
// Go refuses nesting deeper than this (encoding/json maxNestingDepth).
const MAX_DEPTH = 10_000

type Context = 'object-key' | 'object-value' | 'array'

/** Returns Go's error message for the first syntax error in `input`, or undefined if it is valid. */
export function goJsonSyntaxError(input: Uint8Array): string | undefined {
  return new Scanner(input).check()
}

class Scanner {
  #input: Uint8Array
  #at = 0
  #stack: Context[] = []

  constructor(input: Uint8Array) {
    this.#input = input
  }

  check(): string | undefined {
    let error = this.#value()
    while (error === undefined && this.#stack.length > 0) error = this.#afterValue()
    if (error !== undefined) return error
    this.#skipSpace()
    const c = this.#peek()
    return c === undefined ? undefined : invalid(c, 'after top-level value')
  }

  /** Scans one value; an opened container leaves its context on the stack. */
  #value(): string | undefined {
    for (;;) {
      this.#skipSpace()
      const c = this.#peek()
      if (c === undefined) return END_OF_INPUT
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        this.#at++
        this.#stack.push(c === 0x7b ? 'object-key' : 'array')
        if (this.#stack.length > MAX_DEPTH) return invalid(c, 'exceeded max depth')
        this.#skipSpace()
        const next = this.#peek()
        if (next === undefined) return END_OF_INPUT
        if (next === (c === 0x7b ? 0x7d : 0x5d)) {
          this.#at++
          this.#stack.pop()
          return undefined
        }
        if (c === 0x7b) {
          const error = this.#key()
          if (error !== undefined) return error
        }
        continue
      }
      if (c === 0x22 /* " */) return this.#string()
      if (c === 0x2d /* - */ || isDigit(c)) return this.#number()
      const literal = LITERALS.get(c)
      if (literal !== undefined) return this.#literal(literal)
      return invalid(c, 'looking for beginning of value')
    }
  }

  /** After a complete value inside a container: `,` and the next member, or the closer. */
  #afterValue(): string | undefined {
    this.#skipSpace()
    const c = this.#peek()
    if (c === undefined) return END_OF_INPUT
    const inObject = this.#stack.at(-1) === 'object-value'
    if (c === 0x2c /* , */) {
      this.#at++
      if (inObject) {
        this.#skipSpace()
        const error = this.#key()
        if (error !== undefined) return error
      }
      return this.#value()
    }
    if (c === (inObject ? 0x7d : 0x5d)) {
      this.#at++
      this.#stack.pop()
      return undefined
    }
    return invalid(c, inObject ? 'after object key:value pair' : 'after array element')
  }

  #key(): string | undefined {
    const c = this.#peek()
    if (c === undefined) return END_OF_INPUT
    if (c !== 0x22) return invalid(c, 'looking for beginning of object key string')
    const error = this.#string()
    if (error !== undefined) return error
    this.#skipSpace()
    const colon = this.#peek()
    if (colon === undefined) return END_OF_INPUT
    if (colon !== 0x3a /* : */) return invalid(colon, 'after object key')
    this.#at++
    this.#stack[this.#stack.length - 1] = 'object-value'
    return undefined
  }

  #string(): string | undefined {
    this.#at++
    for (;;) {
      const c = this.#peek()
      if (c === undefined) return END_OF_INPUT
      this.#at++
      if (c === 0x22) return undefined
      if (c < 0x20) return invalid(c, 'in string literal')
      if (c === 0x5c /* \ */) {
        const error = this.#escape()
        if (error !== undefined) return error
      }
    }
  }

  #escape(): string | undefined {
    const c = this.#peek()
    if (c === undefined) return END_OF_INPUT
    this.#at++
    if (SIMPLE_ESCAPES.has(c)) return undefined
    if (c !== 0x75 /* u */) return invalid(c, 'in string escape code')
    for (let i = 0; i < 4; i++) {
      const h = this.#peek()
      if (h === undefined) return END_OF_INPUT
      if (!isHex(h)) return invalid(h, 'in \\u hexadecimal character escape')
      this.#at++
    }
    return undefined
  }

  #number(): string | undefined {
    if (this.#peek() === 0x2d) {
      this.#at++
      const c = this.#peek()
      if (c === undefined) return END_OF_INPUT
      if (!isDigit(c)) return invalid(c, 'in numeric literal')
    }
    if (this.#peek() === 0x30) this.#at++
    else this.#digits()
    if (this.#peek() === 0x2e /* . */) {
      this.#at++
      const error = this.#requireDigit('after decimal point in numeric literal')
      if (error !== undefined) return error
    }
    const e = this.#peek()
    if (e === 0x65 || e === 0x45) {
      this.#at++
      const sign = this.#peek()
      if (sign === 0x2b || sign === 0x2d) this.#at++
      return this.#requireDigit('in exponent of numeric literal')
    }
    return undefined
  }

  #requireDigit(context: string): string | undefined {
    const c = this.#peek()
    if (c === undefined) return END_OF_INPUT
    if (!isDigit(c)) return invalid(c, context)
    this.#digits()
    return undefined
  }

  #literal(word: string): string | undefined {
    this.#at++
    for (const expected of word.slice(1)) {
      const c = this.#peek()
      if (c === undefined) return END_OF_INPUT
      if (c !== expected.charCodeAt(0)) {
        return invalid(c, `in literal ${word} (expecting ${quoteByte(expected.charCodeAt(0))})`)
      }
      this.#at++
    }
    return undefined
  }

  #digits(): void {
    while (isDigit(this.#peek())) this.#at++
  }

  #skipSpace(): void {
    for (let c = this.#peek(); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; ) {
      c = this.#input[++this.#at]
    }
  }

  #peek(): number | undefined {
    return this.#input[this.#at]
  }
}

const LITERALS = new Map([
  [0x74, 'true'],
  [0x66, 'false'],
  [0x6e, 'null'],
])

const SIMPLE_ESCAPES = new Set([...'bfnrt\\/"'].map((c) => c.charCodeAt(0)))

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
}

function invalid(c: number, context: string): string {
  return `invalid character ${quoteByte(c)} ${context}`
}

const GO_NAMED_ESCAPES = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0b, '\\v'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [0x5c, '\\\\'],
])

/** Go's `quoteChar`: the byte read as a Latin-1 rune, quoted like `strconv.Quote` does. */
function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''"
  const named = GO_NAMED_ESCAPES.get(c)
  if (named !== undefined) return `'${named}'`
  const hex = c.toString(16).padStart(2, '0')
  if (c < 0x20 || c === 0x7f) return `'\\x${hex}'`
  // strconv.IsPrint is false for C1 controls, NO-BREAK SPACE and SOFT HYPHEN.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${hex}'`
  return `'${String.fromCharCode(c)}'`
}
