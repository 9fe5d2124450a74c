import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validationError } from './validation.ts'

// Found by the schema-driven fuzz (test/fuzz): `{"": false}` was refused with an error whose
// path was empty, as if the whole body were wrong.
describe('validationError', () => {
  it('names an unknown empty-string key as "" and the whole body as the empty path', () => {
    const schema = z.strictObject({ name: z.string() })
    const unknownKey = schema.safeParse({ name: 'a', '': false })
    expect(unknownKey.success).toBe(false)
    expect(validationError(unknownKey.error as z.ZodError, 'json').errors).toEqual([
      { path: '""', message: 'Unknown field' },
    ])
    const wrongBody = schema.safeParse([])
    expect(validationError(wrongBody.error as z.ZodError, 'json').detail).toMatch(
      /^Invalid body: body: /,
    )
  })
})
