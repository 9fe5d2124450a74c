import { describe, expect, it } from 'vitest'
import { goJsonSyntaxError } from './json-syntax.ts'

describe('goJsonSyntaxError', () => {
  it.each([
    ['x', "invalid character 'x' looking for beginning of value"],
    [' ', 'unexpected end of JSON input'],
    ['{"content":"hi"', 'unexpected end of JSON input'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['"a\\qb"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['tru ', "invalid character ' ' in literal true (expecting 'e')"],
    ['fals', 'unexpected end of JSON input'],
    ['{} x', "invalid character 'x' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['\u0001', "invalid character '\\x01' looking for beginning of value"],
  ])('reports %j in Go’s words', (input, message) => {
    expect(goJsonSyntaxError(Buffer.from(input))).toBe(message)
  })

  it.each([
    '{"content":"hi","type":"user"}',
    ' [1, -0.5e+3, 0, "x\\u00e9\\n", true, false, null, {}, []] ',
    '"<>&"',
    '12',
  ])('accepts %j', (input) => {
    expect(goJsonSyntaxError(Buffer.from(input))).toBeUndefined()
  })

  it('refuses nesting deeper than Go allows', () => {
    expect(goJsonSyntaxError(Buffer.from('['.repeat(10_001)))).toBe(
      "invalid character '[' exceeded max depth",
    )
  })
})
